using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Trent.Storage.Postgres;
using Trent.Storage.Sqlite;

namespace Trent.Server.Migration;

/// <summary>What a migration copied: rows per table, in the order copied.</summary>
public sealed record MigrationResult(IReadOnlyList<(string Table, long Rows)> Tables)
{
    public long Rows => Tables.Sum(t => t.Rows);

    public long RowsOf(string table) => Tables.FirstOrDefault(t => t.Table == table).Rows;
}

/// <summary>The migration cannot run; the message is one line meant for the operator.</summary>
public sealed class StoreMigrationException(string message) : Exception(message);

/// <summary>
/// Copies an embedded database, every table of it, into an empty PostgreSQL database, in one transaction on the
/// target: all or nothing. Rows are copied as stored: sealed material, sealed secrets and wrapped domain keys stay
/// sealed under the same root of trust, so nothing is unsealed and the target needs the same root to be used.
/// The tables and columns come from the embedded schema itself, so a table the PostgreSQL schema lacks stops the
/// migration rather than being left behind.
/// </summary>
public static class SqliteToPostgres
{
    public static async Task<MigrationResult> CopyAsync(
        SqliteDatabase source, PostgresDatabase target, IProgress<long>? progress, Action<long>? total, CancellationToken cancellationToken)
    {
        using var reading = source.Open();
        // A read transaction: one snapshot of the source (the data-directory lock keeps writers away too).
        using var snapshot = reading.Connection.BeginTransaction(deferred: true);
        var tables = SourceTables(reading.Connection, snapshot);

        await using var connection = await target.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var targetColumns = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            targetColumns[table.Name] = await TargetColumnsAsync(connection, table, cancellationToken).ConfigureAwait(false);
        }

        // Writers (a node started on the target meanwhile, a second migration) wait until this one is done.
        await ExecuteAsync(connection, $"LOCK TABLE {string.Join(", ", tables.Select(t => t.Name))} IN EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            await using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table.Name})", connection);
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                throw new StoreMigrationException(
                    $"the target database is not empty (table {table.Name} has rows): migrate only into a new database.");
            }
        }

        total?.Invoke(tables.Sum(t => t.Rows));
        var copied = new List<(string, long)>();
        long done = 0;
        foreach (var table in tables)
        {
            var types = table.Columns.Select(c => targetColumns[table.Name][c]).ToArray();
            var columns = string.Join(", ", table.Columns);
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY {table.Name} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                using var select = reading.Connection.CreateCommand();
                select.Transaction = snapshot;
                select.CommandText = $"SELECT {columns} FROM {table.Name}";
                using var reader = select.ExecuteReader();
                long rows = 0;
                while (reader.Read())
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < types.Length; i++)
                    {
                        await WriteAsync(importer, reader, i, types[i], table.Name, table.Columns[i], cancellationToken).ConfigureAwait(false);
                    }

                    rows++;
                    progress?.Report(++done);
                }

                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                copied.Add((table.Name, rows));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new MigrationResult(copied);
    }

    private sealed record SourceTable(string Name, IReadOnlyList<string> Columns, long Rows);

    private static List<SourceTable> SourceTables(SqliteConnection connection, SqliteTransaction snapshot)
    {
        var names = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.Transaction = snapshot;
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new List<SourceTable>();
        foreach (var name in names)
        {
            var columns = new List<string>();
            using (var info = connection.CreateCommand())
            {
                info.Transaction = snapshot;
                info.CommandText = "SELECT name FROM pragma_table_info($table) ORDER BY cid";
                info.Parameters.AddWithValue("$table", name);
                using var reader = info.ExecuteReader();
                while (reader.Read())
                {
                    columns.Add(reader.GetString(0));
                }
            }

            using var count = connection.CreateCommand();
            count.Transaction = snapshot;
            count.CommandText = $"SELECT count(*) FROM \"{name}\"";
            tables.Add(new SourceTable(name, columns, (long)count.ExecuteScalar()!));
        }

        return tables;
    }

    private static async Task<Dictionary<string, string>> TargetColumnsAsync(NpgsqlConnection connection, SourceTable table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t", connection);
        command.Parameters.AddWithValue("t", table.Name);
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (columns.Count == 0)
        {
            throw new StoreMigrationException($"the PostgreSQL schema has no table {table.Name}: this Trent cannot migrate it.");
        }

        foreach (var column in table.Columns.Where(c => !columns.ContainsKey(c)))
        {
            throw new StoreMigrationException($"the PostgreSQL table {table.Name} has no column {column}: this Trent cannot migrate it.");
        }

        return columns;
    }

    /// <summary>One value in the target's type: SQLite's integers become booleans and 32-bit integers where the
    /// PostgreSQL schema says so, and text kept as bytes there (a key's description) becomes its UTF-8.</summary>
    private static Task WriteAsync(
        NpgsqlBinaryImporter importer, SqliteDataReader reader, int i, string type, string table, string column, CancellationToken cancellationToken)
    {
        if (reader.IsDBNull(i))
        {
            return importer.WriteNullAsync(cancellationToken);
        }

        return type switch
        {
            "text" => importer.WriteAsync(reader.GetString(i), NpgsqlDbType.Text, cancellationToken),
            "bigint" => importer.WriteAsync(reader.GetInt64(i), NpgsqlDbType.Bigint, cancellationToken),
            "integer" => importer.WriteAsync(checked((int)reader.GetInt64(i)), NpgsqlDbType.Integer, cancellationToken),
            "boolean" => importer.WriteAsync(reader.GetInt64(i) != 0, NpgsqlDbType.Boolean, cancellationToken),
            "bytea" => importer.WriteAsync(
                reader.GetFieldType(i) == typeof(string) ? Encoding.UTF8.GetBytes(reader.GetString(i)) : (byte[])reader.GetValue(i),
                NpgsqlDbType.Bytea,
                cancellationToken),
            _ => throw new StoreMigrationException($"the PostgreSQL column {table}.{column} has type {type}, which this Trent cannot migrate into."),
        };
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
