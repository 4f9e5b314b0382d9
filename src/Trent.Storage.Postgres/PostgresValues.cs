using Npgsql;
using NpgsqlTypes;
using Trent.Domain.Keys;

namespace Trent.Storage.Postgres;

/// <summary>Conversions between domain values and column values, and typed parameters (a NULL needs its type).</summary>
internal static class PostgresValues
{
    public static long ToMillis(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToMillis(DateTimeOffset? value) => value is { } v ? v.ToUnixTimeMilliseconds() : null;

    public static DateTimeOffset FromMillis(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? NullableMillis(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromMillis(reader.GetInt64(ordinal));

    public static string? NullableString(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static TEnum? NullableEnum<TEnum>(NpgsqlDataReader reader, int ordinal)
        where TEnum : struct, Enum =>
        reader.IsDBNull(ordinal) ? null : Enum.Parse<TEnum>(reader.GetString(ordinal));

    public static void Text(this NpgsqlParameterCollection parameters, string name, string? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    /// <summary>False for a name holding U+0000: PostgreSQL text cannot hold it, so no stored row has that name (and
    /// a lookup by it must find nothing rather than fail).</summary>
    public static bool Storable(string value) => !value.Contains('\0', StringComparison.Ordinal);

    public static void Bigint(this NpgsqlParameterCollection parameters, string name, long? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value });

    public static void Integer(this NpgsqlParameterCollection parameters, string name, int? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = (object?)value ?? DBNull.Value });

    public static void Boolean(this NpgsqlParameterCollection parameters, string name, bool value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Boolean) { Value = value });

    public static void Bytes(this NpgsqlParameterCollection parameters, string name, byte[]? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bytea) { Value = (object?)value ?? DBNull.Value });

    public static void TextArray(this NpgsqlParameterCollection parameters, string name, string[] value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = value });

}
