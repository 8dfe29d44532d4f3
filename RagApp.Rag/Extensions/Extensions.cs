namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddRagServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks();
    }
}
