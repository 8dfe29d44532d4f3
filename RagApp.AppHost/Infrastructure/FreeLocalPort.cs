using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RagApp.AppHost.Infrastructure;

/// <summary>
/// A loopback port that is free when asked, for endpoints served without Aspire's proxy (which need their port fixed
/// up front). It is taken from below the kernel's ephemeral range: a port from that range can be handed, while our
/// server is stopped or not yet started, to any outgoing connection as its source port (or to anyone binding port 0),
/// and the server could then not bind it. A fresh port per run keeps two AppHosts (the tests run two) apart.
/// </summary>
internal static class FreeLocalPort
{
    private const int LowestPort = 10_000;

    public static int Next()
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < 200 && below > LowestPort; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, below);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Someone listens there already; try another.
            }
        }

        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }

    /// <summary>The first ephemeral port: Linux says so in /proc; elsewhere the IANA range starts at 49152.</summary>
    private static int EphemeralRangeStart()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            if (File.Exists(Range)
                && int.TryParse(File.ReadAllText(Range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            {
                return start;
            }
        }
        catch (IOException)
        {
        }

        return 49_152;
    }
}
