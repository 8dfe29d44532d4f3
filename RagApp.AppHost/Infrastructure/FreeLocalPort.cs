using System.Net;
using System.Net.Sockets;

namespace RagApp.AppHost.Infrastructure;

/// <summary>
/// A loopback port that is free when asked, for endpoints served without Aspire's proxy (which need their port fixed
/// up front). A fresh one per run keeps two AppHosts (the tests run two side by side) from colliding.
/// </summary>
internal static class FreeLocalPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
