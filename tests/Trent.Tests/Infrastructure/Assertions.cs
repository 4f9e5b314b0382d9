using Amazon.Runtime;

namespace Trent.Tests.Infrastructure;

public static class Assertions
{
    /// <summary>Asserts that the call fails with the AWS error type (and, when given, the exact message).</summary>
    public static async Task<AmazonServiceException> ThrowsAws(string errorCode, Func<Task> call, string? message = null)
    {
        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(call);
        Assert.Equal(errorCode, e.ErrorCode);
        if (message is not null)
        {
            Assert.Equal(message, e.Message);
        }

        return e;
    }
}
