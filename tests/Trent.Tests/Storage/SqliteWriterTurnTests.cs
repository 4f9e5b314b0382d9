using Trent.Storage.Sqlite;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>The embedded store's one writer: a write waiting for its turn holds no thread, and still commits whole.</summary>
public sealed class SqliteWriterTurnTests : IDisposable
{
    private readonly string _directory = TestTrent.NewDataDirectory();
    private readonly SqliteDatabase _database;

    public SqliteWriterTurnTests()
    {
        Directory.CreateDirectory(_directory);
        _database = new SqliteDatabase(Path.Combine(_directory, "trent.db"));
        _database.Initialize();
    }

    [Fact]
    public async Task Writes_waiting_for_the_writer_return_to_their_callers_at_once_and_commit_when_the_turn_comes()
    {
        var store = new SqliteKeyStore(_database);
        var keys = Enumerable.Range(0, 32).Select(_ => Key("111122223333")).ToArray();
        Task[] writes;
        using (await _database.OpenForWriteAsync())
        {
            // Started from one thread: had a waiting write blocked its caller, the second would never start.
            var starting = Task.Factory.StartNew(
                () => keys.Select(k => store.CreateKeyAsync(k, Material(k.KeyId), default)).ToArray(),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            Assert.Same(starting, await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(10))));
            writes = await starting;
            Assert.All(writes, w => Assert.False(w.IsCompleted));
        }

        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var key in keys)
        {
            Assert.NotNull(await store.GetKeyAsync(key.AccountId, key.Region, key.KeyId, default));
            Assert.NotNull(await store.GetMaterialAsync(key.KeyId, 1, default));
        }
    }

    public void Dispose()
    {
        _database.Dispose();
        TestTrent.TryDelete(_directory);
    }
}
