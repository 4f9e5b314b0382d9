using Trent.Domain.Materials;
using Trent.Domain.Policies;
using Trent.Domain.Storage;

namespace Trent.Domain.Keys;

/// <summary>
/// Creates many ordinary symmetric keys quickly (batched transactions, no per-key round trip), so that
/// benchmarks can measure a store of a million keys. The keys are real: random material, sealed.
/// </summary>
public sealed class KeySeeder(IKeyStore store, KeyMaterialVault vault, ServiceSettings settings, TimeProvider clock)
{
    public async Task SeedAsync(string accountId, int count, int batchSize, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var policy = KeyPolicyDocument.Default(settings.Partition, accountId);
        for (var done = 0; done < count;)
        {
            var now = clock.GetUtcNow();
            var batch = new List<(KeyRecord, KeyMaterialRecord?)>(Math.Min(batchSize, count - done));
            for (var i = 0; i < batch.Capacity; i++)
            {
                var key = new KeyRecord
                {
                    KeyId = KeyId.NewKeyId(),
                    AccountId = accountId,
                    Region = settings.DefaultRegion.Name,
                    Partition = settings.Partition,
                    CreationDate = now,
                    Description = "seeded",
                    KeySpec = KeySpec.SYMMETRIC_DEFAULT,
                    KeyUsage = KeyUsage.ENCRYPT_DECRYPT,
                    Origin = KeyOrigin.AWS_KMS,
                    State = KeyState.Enabled,
                    Policy = policy,
                    Tags = [],
                    RowVersion = 1,
                };
                var material = vault.CreateMaterial(key, 1, KeyMaterialState.CURRENT, rotationType: null, now);
                batch.Add((key with { CurrentMaterialVersion = 1, CurrentKeyMaterialId = material.KeyMaterialId }, material));
            }

            await store.CreateKeysAsync(batch, cancellationToken).ConfigureAwait(false);
            done += batch.Count;
            progress?.Report(done);
        }
    }
}
