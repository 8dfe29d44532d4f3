using System.Net;
using System.Net.Sockets;

namespace RagApp.Tests.Queue;

internal static class FreeTcpPort
{
    /// <summary>A loopback port nothing listens on right now (the OS hands out a fresh ephemeral one).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
