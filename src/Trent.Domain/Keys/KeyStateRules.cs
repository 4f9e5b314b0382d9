using Trent.Domain.Errors;

namespace Trent.Domain.Keys;

/// <summary>
/// AWS's key-state table (reference digest §9): which states each kind of operation tolerates, and the
/// exact error for each state it does not.
/// </summary>
public static class KeyStateRules
{
    /// <summary>Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, and the other cryptographic operations.</summary>
    public static void RequireUsable(KeyRecord key)
    {
        switch (key.State)
        {
            case KeyState.Enabled or KeyState.Updating:
                return;
            case KeyState.Disabled:
                throw KmsErrors.Disabled(key.Arn);
            default:
                throw StateError(key);
        }
    }

    /// <summary>EnableKey and DisableKey.</summary>
    public static void RequireEnableable(KeyRecord key)
    {
        if (key.State is KeyState.Enabled or KeyState.Disabled or KeyState.Unavailable)
        {
            return;
        }

        throw StateError(key);
    }

    /// <summary>CreateAlias, TagResource, UntagResource, UpdateKeyDescription, ScheduleKeyDeletion.</summary>
    public static void RequireNotPendingDeletion(KeyRecord key)
    {
        if (key.State is KeyState.PendingDeletion or KeyState.PendingReplicaDeletion)
        {
            throw KmsErrors.PendingDeletion(key.Arn);
        }
    }

    /// <summary>Operations AWS refuses while a replica is being created (and, unless allowed, while the primary
    /// Region changes), whatever else they tolerate.</summary>
    public static void RequireSettled(KeyRecord key, bool allowUpdating)
    {
        if (key.State is KeyState.Creating || (key.State is KeyState.Updating && !allowUpdating))
        {
            throw StateError(key);
        }
    }

    /// <summary>Rotation and material belong to a multi-Region set's primary: its replicas follow it.</summary>
    public static void RequireNotReplica(KeyRecord key)
    {
        if (key.IsReplica)
        {
            throw KmsErrors.Unsupported($"{key.Arn} is a multi-Region replica key: its key material and rotation are managed through its primary key in {key.PrimaryRegion}.");
        }
    }

    private static KmsException StateError(KeyRecord key) => key.State switch
    {
        KeyState.PendingDeletion or KeyState.PendingReplicaDeletion => KmsErrors.PendingDeletion(key.Arn),
        KeyState.PendingImport => KmsErrors.PendingImport(key.Arn),
        KeyState.Unavailable => KmsErrors.InvalidState(key.Arn, "unavailable"),
        KeyState.Creating => KmsErrors.InvalidState(key.Arn, "creating"),
        KeyState.Updating => KmsErrors.InvalidState(key.Arn, "updating"),
        _ => KmsErrors.InvalidState(key.Arn, key.State.ToString()),
    };
}
