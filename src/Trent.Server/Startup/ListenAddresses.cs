using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Trent.Server.Startup;

/// <summary>
/// The listen URLs, parsed as Kestrel parses them, and tried before the data directory is touched: a port in use
/// must not leave a half-created directory behind (the bind itself comes last, after the bootstrap).
/// </summary>
internal static class ListenAddresses
{
    public static IReadOnlyList<BindingAddress> Parse(string? urls, string setting, bool httpsAllowed)
    {
        var parts = (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new StartupException($"{setting}: no URL given (e.g. http://127.0.0.1:4599).");
        }

        var addresses = new List<BindingAddress>();
        foreach (var part in parts)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(part);
            }
            catch (FormatException)
            {
                throw new StartupException($"{setting}: '{part}' is not a listen URL (e.g. http://127.0.0.1:4599).");
            }

            var scheme = address.Scheme.ToLowerInvariant();
            if (scheme != "http" && !(scheme == "https" && httpsAllowed))
            {
                throw new StartupException($"{setting}: '{part}': the scheme must be http{(httpsAllowed ? " or https" : string.Empty)}.");
            }

            if (!address.IsUnixPipe && !address.IsNamedPipe && (address.Port is < 0 or > IPEndPoint.MaxPort || string.IsNullOrEmpty(address.Host)))
            {
                throw new StartupException($"{setting}: '{part}' is not a listen URL (e.g. http://127.0.0.1:4599).");
            }

            addresses.Add(address);
        }

        return addresses;
    }

    /// <summary>Binds and releases each fixed port the way Kestrel will bind it; throws if one is taken or forbidden.</summary>
    public static void Probe(IEnumerable<BindingAddress> addresses, string setting)
    {
        foreach (var address in addresses.Where(a => !a.IsUnixPipe && !a.IsNamedPipe && a.Port != 0))
        {
            var endpoints = Endpoints(address);
            SocketException? refused = null;
            var bound = 0;
            foreach (var endpoint in endpoints)
            {
                try
                {
                    using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    if (endpoint.Address.Equals(IPAddress.IPv6Any))
                    {
                        socket.DualMode = true;
                    }

                    socket.Bind(endpoint);
                    socket.Listen();
                    bound++;
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
                {
                    refused = e;
                }
                catch (SocketException e)
                {
                    // Not there on this host (no IPv6, an address of another machine): the bind will say so.
                    refused ??= e;
                }
            }

            // localhost is served if either loopback binds, as Kestrel does; any other address must bind.
            if (refused is not null && (bound == 0 || refused.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied))
            {
                throw new StartupException(refused.SocketErrorCode switch
                {
                    SocketError.AddressAlreadyInUse => $"{setting}: {address} is in use by another process (stop it, or choose another port).",
                    SocketError.AccessDenied => $"{setting}: {address}: permission denied (ports below 1024 need privileges).",
                    _ => $"{setting}: cannot listen on {address}: {refused.Message}",
                }, StartupFailure.Environment, refused);
            }
        }
    }

    private static IPEndPoint[] Endpoints(BindingAddress address)
    {
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Socket.OSSupportsIPv6
                ? [new(IPAddress.Loopback, address.Port), new(IPAddress.IPv6Loopback, address.Port)]
                : [new(IPAddress.Loopback, address.Port)];
        }

        if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            return [new(ip, address.Port)];
        }

        // "*", "+" or a host name: Kestrel listens on every address (IPv6 dual-mode where there is IPv6).
        return [new(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, address.Port)];
    }
}
