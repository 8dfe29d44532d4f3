using System.Globalization;
using System.Net;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Where RagApp.Rag listens. Its two endpoints are named in appsettings.json — "http" (gRPC, HTTP/2 only: cleartext
/// HTTP/2 needs an endpoint that speaks nothing else) and "health" (/health, HTTP/1.1) — on localhost, which is what
/// the AppHost runs (it overrides each endpoint's URL with <c>Kestrel__Endpoints__{name}__Url</c>, keeping the host) and
/// what is safe on a developer's machine. A deployment gives ports instead: Aspire's published manifests set each
/// endpoint's URL on host <c>*</c>, which Kestrel serves as it is; a plain container sets <c>HTTP_PORTS</c> /
/// <c>ASPNETCORE_HTTP_PORTS</c> or <c>ASPNETCORE_URLS</c>, which Kestrel would ignore for named endpoints. Then the
/// endpoints still bound to a loopback host move to those: the first to gRPC, the second to /health, on every
/// interface (a port alone means all interfaces, as for any ASP.NET Core service); the health endpoint keeps its own
/// port on every interface when only one is given.
/// </summary>
internal static class DeploymentEndpoints
{
    public const string Grpc = "http";
    public const string Health = "health";

    /// <summary>The settings that rebind the endpoints, to add over the configuration; empty when nothing changes.</summary>
    public static Dictionary<string, string?> Overrides(IConfiguration configuration)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var given = GivenAddresses(configuration);
        if (given.Count == 0)
        {
            return overrides;
        }

        string[] names = [Grpc, Health];
        for (var i = 0; i < names.Length; i++)
        {
            var key = $"Kestrel:Endpoints:{names[i]}:Url";
            var configured = configuration[key];
            if (configured is null || !IsLoopback(configured))
            {
                // Set by the deployment (or absent): not ours to move.
                continue;
            }

            overrides[key] = i < given.Count ? given[i] : AllInterfaces(configured);
        }

        return overrides;
    }

    /// <summary>The addresses the deployment gives: URLS first (it names hosts), else HTTP_PORTS on every interface.</summary>
    private static List<string> GivenAddresses(IConfiguration configuration)
    {
        static string[] Split(string? value) => value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

        var urls = Split(configuration["urls"]);
        if (urls.Length > 0)
        {
            return [.. urls];
        }

        return [.. Split(configuration["http_ports"]).Select(port => $"http://*:{int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture)}")];
    }

    private static bool IsLoopback(string url)
    {
        var host = BindingHost(url);
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>The URL's port on every interface.</summary>
    private static string AllInterfaces(string url)
    {
        var scheme = url[..url.IndexOf("://", StringComparison.Ordinal)];
        var port = url[(url.LastIndexOf(':') + 1)..].TrimEnd('/');
        return $"{scheme}://*:{port}";
    }

    /// <summary>The host of a Kestrel binding URL, which may be "*" or "+" and so is no <see cref="Uri"/>.</summary>
    private static string BindingHost(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var rest = url[start..];
        var end = rest.StartsWith('[') ? rest.IndexOf(']') + 1 : rest.IndexOf(':') is var colon and >= 0 ? colon : rest.Length;
        return rest[..end].Trim('[', ']');
    }
}
