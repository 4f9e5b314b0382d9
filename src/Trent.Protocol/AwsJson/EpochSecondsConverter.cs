using System.Text.Json;
using System.Text.Json.Serialization;

namespace Trent.Protocol.AwsJson;

/// <summary>awsJson1_1 timestamps are JSON numbers of seconds since the Unix epoch, fractions allowed.</summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    private static readonly double MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly double MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 1;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var seconds) || !double.IsFinite(seconds)
            || seconds < MinSeconds || seconds > MaxSeconds)
        {
            throw new JsonException("A timestamp must be a number of seconds since the Unix epoch, between years 1 and 9999.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000m);
}
