namespace Trent.Tests.Fuzz;

/// <summary>Real resources of the fuzzed server (keys, aliases, principals, a role), so that requests reach the domain, not just validation.</summary>
public sealed class FuzzTargets
{
    public required IReadOnlyList<string> KeyIds { get; init; }

    public required string KeyArnPrefix { get; init; }

    public required IReadOnlyList<string> PrincipalArns { get; init; }

    public required string FixtureRoleArn { get; init; }

    /// <summary>A real ciphertext of one of the keys.</summary>
    public required string Ciphertext { get; init; }

    public required string KeyPolicy { get; init; }

    public required string TrustPolicy { get; init; }

    public required string IdentityPolicy { get; init; }

    /// <summary>Names the fuzzer may create and delete: never the names of the principals that sign the requests.</summary>
    private static readonly string[] Names = ["fz0", "fz1", "fz2", "FZ2", "fz3", "fz.a@b", "fz+4=5,6"];

    public string KeyReference(Random random)
    {
        var id = KeyIds[random.Next(KeyIds.Count)];
        return random.Next(6) switch
        {
            0 => KeyArnPrefix + id,
            1 => "alias/fuzz-0",
            2 => Guid.NewGuid().ToString(),
            3 => "arn:aws:kms:us-east-1:444455556666:key/" + id,
            _ => id,
        };
    }

    public string PrincipalArn(Random random) => PrincipalArns[random.Next(PrincipalArns.Count)];

    public string IdentityName(Random random) => Names[random.Next(Names.Length)];

    public string RoleArn(Random random) => random.Next(4) switch
    {
        0 => "arn:aws:iam::111122223333:role/" + IdentityName(random),
        1 => "arn:aws:iam::111122223333:role/team/" + IdentityName(random),
        2 => "arn:aws:iam::999999999999:role/x",
        _ => FixtureRoleArn,
    };
}
