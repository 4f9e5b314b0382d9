using System.Diagnostics;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

namespace Trent.Tests.Nodes;

internal static class NodeAssertions
{
    /// <summary>How long a change committed through one node may take to be seen by another, when the
    /// announcement arrives (caches in these tests live for minutes, so only the announcement can evict them).</summary>
    public static readonly TimeSpan AnnouncementBound = TimeSpan.FromSeconds(3);

    /// <summary>Polls until <paramref name="condition"/> holds, failing after <paramref name="bound"/>; returns how long it took.</summary>
    public static async Task<TimeSpan> WithinAsync(TimeSpan bound, Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > bound)
            {
                Assert.Fail($"{what}: not seen within {bound.TotalSeconds} s");
            }

            await Task.Delay(25);
        }

        return watch.Elapsed;
    }

    /// <summary>The AWS error code of an Encrypt under <paramref name="keyId"/>, or null when it succeeds.</summary>
    public static async Task<string?> EncryptErrorAsync(IAmazonKeyManagementService kms, string keyId)
    {
        try
        {
            await EncryptAsync(kms, keyId);
            return null;
        }
        catch (AmazonServiceException e)
        {
            return e.ErrorCode;
        }
    }

    public static Task<EncryptResponse> EncryptAsync(IAmazonKeyManagementService kms, string keyId) =>
        kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("across nodes")) });
}
