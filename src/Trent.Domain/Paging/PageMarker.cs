using System.Buffers.Text;
using System.Text;
using Trent.Domain.Errors;

namespace Trent.Domain.Paging;

/// <summary>
/// Opaque paging markers. A marker names the list it belongs to and the last item of the previous page,
/// so pages stay stable while items are added, and a marker from another list, or a garbled one, is refused
/// with InvalidMarkerException.
/// </summary>
public static class PageMarker
{
    private const string Version = "t1";

    public static string Encode(string list, string lastItem) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}|{list}|{lastItem}"));

    public static string? Decode(string list, string? marker, Func<string, bool> isValidItem)
    {
        if (marker is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(marker));
            var parts = text.Split('|', 3);
            if (parts.Length == 3 && parts[0] == Version && parts[1] == list && isValidItem(parts[2]))
            {
                return parts[2];
            }
        }
        catch (FormatException)
        {
        }

        throw KmsErrors.InvalidMarker();
    }
}

/// <summary>One page of a list: the items and, when more follow, the marker for the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextMarker)
{
    public bool Truncated => NextMarker is not null;
}
