using Microsoft.Data.Sqlite;
using Trent.Domain.Keys;

namespace Trent.Storage.Sqlite;

/// <summary>Conversions between domain values and column values.</summary>
internal static class SqliteValues
{
    public static long ToMillis(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMillis(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? NullableMillis(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromMillis(reader.GetInt64(ordinal));

    public static TEnum? NullableEnum<TEnum>(SqliteDataReader reader, int ordinal)
        where TEnum : struct, Enum =>
        reader.IsDBNull(ordinal) ? null : Enum.Parse<TEnum>(reader.GetString(ordinal));

    public static object DbValue(object? value) => value ?? DBNull.Value;

    public static void Add(this SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, DbValue(value));

}
