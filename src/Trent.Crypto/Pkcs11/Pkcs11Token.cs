using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Trent.Crypto.Pkcs11;

/// <summary>
/// A token logged in as its user, with a pool of sessions for concurrent callers (a PKCS#11 session serves one
/// thread at a time). The first session stays open while the token is in use: PKCS#11 login state belongs to the
/// application and ends when its last session closes. The PIN is kept (pinned, zeroed on dispose) only to log in
/// again after the token came back; it is never in a message. Several users of one token in a process (the root of
/// trust and a custom key store, say) share its login: the first logs in, later ones must present the same PIN,
/// and the last to close logs out.
/// </summary>
public sealed class Pkcs11Token : IDisposable
{
    private static readonly TimeSpan SessionWait = TimeSpan.FromSeconds(30);
    private static readonly Lock LoginsGate = new();
    private static readonly Dictionary<(IPkcs11Library, ulong), SharedLogin> Logins = [];
    private readonly IPkcs11Library _library;
    private readonly ISlot _slot;
    private readonly byte[] _pin;
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly ConcurrentDictionary<string, IObjectHandle> _keyHandles = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sessions;
    private readonly Lock _loginLock = new();
    private ISession? _anchor;
    private int _disposed;

    private Pkcs11Token(IPkcs11Library library, ISlot slot, Pkcs11TokenAddress address, byte[] pin, int maxSessions)
    {
        _library = library;
        _slot = slot;
        _pin = pin;
        Address = address;
        _sessions = new SemaphoreSlim(maxSessions, maxSessions);
    }

    public Pkcs11TokenAddress Address { get; }

    /// <summary>Loads the module, finds the token and logs in as its user.</summary>
    /// <exception cref="Pkcs11TokenException">Module missing, token absent, PIN refused or locked.</exception>
    public static Pkcs11Token Open(Pkcs11TokenAddress address, ReadOnlySpan<char> pin, int maxSessions = 8)
    {
        var library = Pkcs11Modules.Acquire(address.ModulePath);
        var pinBytes = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(pin), pinned: true);
        Encoding.UTF8.GetBytes(pin, pinBytes);
        Pkcs11Token? token = null;
        try
        {
            token = new Pkcs11Token(library, FindSlot(library, address), address, pinBytes, maxSessions);
            token.LogInFirst();
            return token;
        }
        catch
        {
            if (token is not null)
            {
                token.Dispose();
            }
            else
            {
                CryptographicOperations.ZeroMemory(pinBytes);
                Pkcs11Modules.Release(library);
            }

            throw;
        }
    }

    /// <summary>Runs <paramref name="operation"/> on a session of its own; PKCS#11 errors come out as <see cref="Pkcs11TokenException"/>.
    /// For start-up and management calls; requests use <see cref="RunAsync"/>.</summary>
    public T Run<T>(Func<ISession, T> operation)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_sessions.Wait(SessionWait))
        {
            throw NoFreeSession();
        }

        return RunOnSession(operation);
    }

    /// <summary>
    /// As <see cref="Run"/>, but waits for a free session without holding a thread: when every session is busy, a
    /// burst of requests would otherwise block pool threads for as long as the token takes. The PKCS#11 call itself
    /// is synchronous (the interface has no other kind); with SoftHSM it is in-process work.
    /// </summary>
    public async ValueTask<T> RunAsync<T>(Func<ISession, T> operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!await _sessions.WaitAsync(SessionWait, cancellationToken).ConfigureAwait(false))
        {
            throw NoFreeSession();
        }

        return RunOnSession(operation);
    }

    private Pkcs11TokenException NoFreeSession() =>
        new(Pkcs11Failure.TokenUnavailable, $"No session of {Address} became free within {SessionWait.TotalSeconds:0} s.");

    /// <summary>Runs on an idle session (the caller holds a slot of the session semaphore, released here).</summary>
    private T RunOnSession<T>(Func<ISession, T> operation)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var session = TakeSession();
                try
                {
                    var result = operation(session);
                    _idle.Add(session);
                    return result;
                }
                catch (Pkcs11Exception e)
                {
                    if (SessionIsBroken(e.RV))
                    {
                        CloseQuietly(session);
                    }
                    else
                    {
                        _idle.Add(session);
                    }

                    // The token came back (re-inserted, or its login state was lost): log in again, once.
                    if (attempt == 0 && e.RV is CKR.CKR_USER_NOT_LOGGED_IN or CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED)
                    {
                        TryLogInAgain();
                        continue;
                    }

                    throw Translate(e, Address);
                }
                catch
                {
                    _idle.Add(session);
                    throw;
                }
            }
        }
        finally
        {
            _sessions.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> with the AES key labelled <paramref name="label"/>. Its handle is searched for
    /// once and remembered (an object handle holds in every session of the process): a search per operation doubles
    /// the calls into the token, and SoftHSM's search now and then misses a present object while other sessions work.
    /// A remembered handle the token no longer knows (key destroyed, token re-inserted) is searched for again, once.
    /// </summary>
    /// <exception cref="Pkcs11TokenException">KeyNotFound when no such key is in the token.</exception>
    public ValueTask<T> RunWithKeyAsync<T>(string label, Func<ISession, IObjectHandle, T> operation, CancellationToken cancellationToken) =>
        RunAsync(session => WithKey(session, label, operation), cancellationToken);

    private T WithKey<T>(ISession session, string label, Func<ISession, IObjectHandle, T> operation)
    {
        if (_keyHandles.TryGetValue(label, out var remembered))
        {
            try
            {
                return operation(session, remembered);
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID)
            {
                _keyHandles.TryRemove(KeyValuePair.Create(label, remembered));
            }
        }

        var found = Pkcs11AesKeys.Find(session, label)
            ?? throw new Pkcs11TokenException(Pkcs11Failure.KeyNotFound, $"The key '{label}' is not in {Address}.");
        _keyHandles[label] = found;
        return operation(session, found);
    }

    /// <summary>Forgets a remembered key handle (its object is being destroyed).</summary>
    public void ForgetKey(string label) => _keyHandles.TryRemove(label, out _);

    /// <summary>Whether the token still answers (a cheap call, for readiness).</summary>
    public bool IsPresent()
    {
        try
        {
            return _slot.GetSlotInfo().SlotFlags.TokenPresent && _slot.GetTokenInfo() is not null;
        }
        catch (Pkcs11Exception)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        while (_idle.TryTake(out var session))
        {
            CloseQuietly(session);
        }

        if (_anchor is { } anchor)
        {
            if (LeaveLogin())
            {
                try
                {
                    anchor.Logout();
                }
                catch (Pkcs11Exception)
                {
                    // Already logged out (the token went away).
                }
            }

            CloseQuietly(anchor);
        }

        CryptographicOperations.ZeroMemory(_pin);
        Pkcs11Modules.Release(_library);
    }

    internal static Pkcs11TokenException Translate(Pkcs11Exception e, Pkcs11TokenAddress address) => e.RV switch
    {
        CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE =>
            new Pkcs11TokenException(Pkcs11Failure.InvalidCredentials, $"The user PIN of {address} was refused ({e.RV}).", e),
        CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED =>
            new Pkcs11TokenException(Pkcs11Failure.UserLockedOut, $"The user PIN of {address} is locked ({e.RV}).", e),
        CKR.CKR_USER_PIN_NOT_INITIALIZED =>
            new Pkcs11TokenException(Pkcs11Failure.InvalidCredentials, $"The user PIN of {address} is not initialised ({e.RV}).", e),
        CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID =>
            new Pkcs11TokenException(Pkcs11Failure.KeyNotFound, $"A key object of {address} is gone ({e.RV}).", e),
        // Not CKR_GENERAL_ERROR: SoftHSM answers a failed AES-GCM tag check with it (bad data, not a bad token).
        _ when SessionIsBroken(e.RV) || e.RV is CKR.CKR_DEVICE_MEMORY or CKR.CKR_CRYPTOKI_NOT_INITIALIZED =>
            new Pkcs11TokenException(Pkcs11Failure.TokenUnavailable, $"{Capitalised(address)} is not available: {e.Method} returned {e.RV}.", e),
        _ => new Pkcs11TokenException(Pkcs11Failure.OperationFailed, $"{Capitalised(address)}: {e.Method} returned {e.RV}.", e),
    };

    private static bool SessionIsBroken(CKR rv) => rv is CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_TOKEN_NOT_PRESENT
        or CKR.CKR_TOKEN_NOT_RECOGNIZED or CKR.CKR_DEVICE_REMOVED or CKR.CKR_DEVICE_ERROR or CKR.CKR_SLOT_ID_INVALID or CKR.CKR_USER_NOT_LOGGED_IN;

    private static string Capitalised(Pkcs11TokenAddress address)
    {
        var text = address.ToString();
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    private static ISlot FindSlot(IPkcs11Library library, Pkcs11TokenAddress address)
    {
        List<ISlot> slots;
        try
        {
            slots = library.GetSlotList(SlotsType.WithTokenPresent);
        }
        catch (Pkcs11Exception e)
        {
            throw Translate(e, address);
        }

        if (address.SlotId is { } slotId)
        {
            return slots.FirstOrDefault(s => s.SlotId == slotId)
                ?? throw new Pkcs11TokenException(Pkcs11Failure.TokenNotFound, $"No token is present in slot {slotId} of {address.ModulePath}.");
        }

        var matching = slots.Where(s => LabelOf(s) == address.TokenLabel).ToList();
        return matching.Count switch
        {
            1 => matching[0],
            0 => throw new Pkcs11TokenException(Pkcs11Failure.TokenNotFound, $"No token labelled '{address.TokenLabel}' is present in {address.ModulePath}."),
            _ => throw new Pkcs11TokenException(Pkcs11Failure.TokenNotFound,
                $"{matching.Count} tokens are labelled '{address.TokenLabel}' in {address.ModulePath}; name the slot instead."),
        };
    }

    private static string? LabelOf(ISlot slot)
    {
        try
        {
            return slot.GetTokenInfo().Label.TrimEnd(' ', '\0');
        }
        catch (Pkcs11Exception)
        {
            return null; // a slot whose token vanished meanwhile
        }
    }

    /// <summary>Logs in, or joins the login of another user of this token in the process if it has the same PIN
    /// (PKCS#11 login state is per application: a second C_Login would not check the PIN).</summary>
    private void LogInFirst()
    {
        lock (LoginsGate)
        {
            var slot = (_library, _slot.SlotId);
            if (Logins.TryGetValue(slot, out var shared))
            {
                if (!CryptographicOperations.FixedTimeEquals(shared.Pin, _pin))
                {
                    throw new Pkcs11TokenException(Pkcs11Failure.InvalidCredentials,
                        $"The user PIN of {Address} was refused (CKR_PIN_INCORRECT: the token's user is logged in with another PIN).");
                }

                _anchor = OpenSession();
                shared.Users++;
                return;
            }

            LogIn();
            Logins[slot] = new SharedLogin(_pin);  // copies
        }
    }

    /// <summary>Leaves the shared login; true when this was its last user (who logs out).</summary>
    private bool LeaveLogin()
    {
        lock (LoginsGate)
        {
            var slot = (_library, _slot.SlotId);
            if (!Logins.TryGetValue(slot, out var shared) || --shared.Users > 0)
            {
                return false;
            }

            Logins.Remove(slot);
            CryptographicOperations.ZeroMemory(shared.Pin);
            return true;
        }
    }

    private void LogIn()
    {
        lock (_loginLock)
        {
            var anchor = OpenSession();
            try
            {
                anchor.Login(CKU.CKU_USER, _pin);
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                // Logging in again after the token came back, and another user of it was first: the PIN was checked at open.
            }
            catch (Pkcs11Exception e)
            {
                CloseQuietly(anchor);
                throw Translate(e, Address);
            }

            var previous = _anchor;
            _anchor = anchor;
            if (previous is not null)
            {
                CloseQuietly(previous);
            }
        }
    }

    private void TryLogInAgain()
    {
        while (_idle.TryTake(out var stale))
        {
            CloseQuietly(stale);
        }

        LogIn();
    }

    private ISession TakeSession() => _idle.TryTake(out var session) ? session : OpenSession();

    private ISession OpenSession()
    {
        try
        {
            return _slot.OpenSession(SessionType.ReadWrite);
        }
        catch (Pkcs11Exception e)
        {
            throw Translate(e, Address);
        }
    }

    private static void CloseQuietly(ISession session)
    {
        try
        {
            session.CloseSession();
        }
        catch (Pkcs11Exception)
        {
            // The token is gone; its sessions went with it.
        }

        session.Dispose();
    }
}

/// <summary>One login to a token shared by its users in this process, with its PIN (a pinned copy, zeroed by the last user).</summary>
internal sealed class SharedLogin(ReadOnlySpan<byte> pin)
{
    public byte[] Pin { get; } = Pinned(pin);

    public int Users { get; set; } = 1;

    private static byte[] Pinned(ReadOnlySpan<byte> pin)
    {
        var copy = GC.AllocateArray<byte>(pin.Length, pinned: true);
        pin.CopyTo(copy);
        return copy;
    }
}
