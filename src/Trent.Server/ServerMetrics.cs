using System.Diagnostics.Metrics;
using Trent.Audit;
using Trent.Audit.Index;
using Trent.Audit.Journal;
using Trent.Domain.Keys;
using Trent.Domain.Materials;
using Trent.Domain.Storage;
using Trent.Protocol.Metrics;

namespace Trent.Server;

/// <summary>Gauges read when metrics are scraped: caches, the audit queue and the key count.</summary>
public sealed class ServerMetrics
{
    private readonly IKeyStore _keys;
    private long _keyCount;
    private DateTime _keyCountAt;

    public ServerMetrics(IMeterFactory meters, KeyMaterialVault vault, FileAuditLog audit, AuditIntentJournal journal, IAuditIndexFollower auditIndex, IKeyStore keys, KeyGenerationGate generation,
        Domain.CustomKeyStores.HsmOperationStats hsm)
    {
        _keys = keys;
        var meter = meters.Create(RequestMetrics.MeterName);
        meter.CreateObservableCounter("trent.hsm.operations", () => hsm.Operations, description: "Cryptographic operations run in custom key store tokens.");
        meter.CreateObservableCounter("trent.hsm.errors", () => hsm.Errors, description: "Custom key store token operations that failed (token gone, key object missing).");
        meter.CreateObservableCounter("trent.hsm.operation.seconds", () => hsm.Seconds, unit: "s", description: "Time spent in custom key store token operations (over trent.hsm.operations: mean latency).");
        meter.CreateObservableCounter("trent.key_material.cache.hits", () => vault.CacheHits, description: "Unsealed key material found in memory.");
        meter.CreateObservableCounter("trent.key_material.cache.misses", () => vault.CacheMisses, description: "Key material loaded and unsealed.");
        meter.CreateObservableGauge("trent.key_material.cache.entries", () => vault.CachedCount, description: "Unsealed key material versions in memory.");
        meter.CreateObservableGauge("trent.audit.queue.depth", () => audit.QueueDepth, description: "Audit records waiting to be made durable.");
        meter.CreateObservableCounter("trent.audit.chain.breaks", () => audit.ChainBreaks, description: "Audit files found not to be what this server wrote (set aside, never signed).");
        meter.CreateObservableCounter("trent.audit.write.failures", () => audit.WriteFailures + journal.WriteFailures, description: "Audit log or intent journal writes that failed (every request in them failed closed).");
        meter.CreateObservableGauge("trent.audit.writable", () => audit.Writable && journal.Writable ? 1 : 0, description: "1 while the audit trail accepts writes, 0 from a failed write until it recovers.");
        meter.CreateObservableGauge("trent.audit.index.backlog", () => auditIndex.BacklogRecords, description: "Durable audit records not yet in the lookup index.");
        meter.CreateObservableGauge("trent.audit.index.backlog.bytes", () => auditIndex.BacklogBytes, unit: "By", description: "Bytes of the durable audit records not yet in the lookup index.");
        meter.CreateObservableGauge("trent.key_generation.running", () => generation.Running, description: "Key pairs being generated now (bounded by MaxConcurrentKeyGenerations).");
        meter.CreateObservableGauge("trent.key_generation.pending", () => generation.Pending, description: "Key-pair generations running or waiting for a turn.");
        meter.CreateObservableGauge("trent.keys", KeyCount, description: "KMS keys in the store (all accounts).");
    }

    /// <summary>Counting a large table is not free, so the count is refreshed at most every 10 seconds.</summary>
    private long KeyCount()
    {
        if (DateTime.UtcNow - _keyCountAt > TimeSpan.FromSeconds(10))
        {
            _keyCount = _keys.CountKeysAsync(CancellationToken.None).GetAwaiter().GetResult();
            _keyCountAt = DateTime.UtcNow;
        }

        return _keyCount;
    }
}
