using System.Globalization;
using System.Text;
using System.Xml;

namespace Trent.Protocol.Query;

/// <summary>The XML of the AWS query protocol: <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;…</c> and <c>&lt;ErrorResponse&gt;</c>.</summary>
public static class QueryXml
{
    public const string IamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";
    public const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    public static byte[] Response(string action, string ns, string requestId, Action<XmlWriter>? result)
    {
        using var buffer = new MemoryStream();
        using (var xml = Create(buffer))
        {
            xml.WriteStartElement(action + "Response", ns);
            if (result is not null)
            {
                xml.WriteStartElement(action + "Result");
                result(xml);
                xml.WriteEndElement();
            }

            xml.WriteStartElement("ResponseMetadata");
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }

    public static byte[] Error(string ns, string code, string? message, string requestId, bool sender = true)
    {
        using var buffer = new MemoryStream();
        using (var xml = Create(buffer))
        {
            xml.WriteStartElement("ErrorResponse", ns);
            xml.WriteStartElement("Error");
            xml.WriteElementString("Type", sender ? "Sender" : "Receiver");
            xml.WriteElementString("Code", code);
            if (message is not null)
            {
                xml.WriteElementString("Message", message);
            }

            xml.WriteEndElement();
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }

    /// <summary>Every query answer is written through <see cref="SafeXmlWriter"/>: no value can make it malformed.</summary>
    private static SafeXmlWriter Create(Stream buffer) => new(XmlWriter.Create(buffer, Settings));

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static void Element(this XmlWriter xml, string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteElementString(name, value);
        }
    }

    public static void Members<T>(this XmlWriter xml, string name, IEnumerable<T> items, Action<XmlWriter, T> write)
    {
        xml.WriteStartElement(name);
        foreach (var item in items)
        {
            xml.WriteStartElement("member");
            write(xml, item);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    public static void Tags(this XmlWriter xml, IReadOnlyDictionary<string, string> tags)
    {
        if (tags.Count > 0)
        {
            xml.Members("Tags", tags, static (x, tag) =>
            {
                x.WriteElementString("Key", tag.Key);
                x.WriteElementString("Value", tag.Value);
            });
        }
    }
}
