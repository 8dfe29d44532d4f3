using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Infrastructure;

internal static class DirectEndpointExtensions
{
    /// <summary>
    /// When run locally, serves the endpoint on a fixed free port without Aspire's proxy in front. The proxy is one more
    /// process on the path of every call; for the busy internal endpoints (every Redis command, the worker's index
    /// calls) that cost CPU the embedding model needs on a small machine. The port is fixed for the run, so a restarted
    /// resource comes back where its clients look for it, as it would behind the proxy; it is chosen outside the
    /// ephemeral range (<see cref="FreeLocalPort"/>), so no outgoing connection takes it while the resource is down.
    /// Published manifests are untouched.
    /// </summary>
    public static IResourceBuilder<T> WithDirectEndpointWhenRun<T>(this IResourceBuilder<T> builder, string endpointName)
        where T : IResourceWithEndpoints
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        return builder.WithEndpoint(endpointName, endpoint =>
        {
            var port = FreeLocalPort.Next();
            (endpoint.Port, endpoint.TargetPort, endpoint.IsProxied) = (port, port, false);
        });
    }
}
