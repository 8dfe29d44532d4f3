using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Grpc.V1;

namespace RagApp.Core.Grpc;

public static class RagGrpcClientExtensions
{
    /// <summary>The RAG API's address, resolved by service discovery ("rag" in the AppHost).</summary>
    public static readonly Uri DefaultRagAddress = new("http://rag");

    /// <summary>
    /// Registers the clients of RagApp.Rag (RagService, IndexService, gRPC health) against one address.
    /// The HTTP resilience handler the service defaults add to every client is removed here: its attempt
    /// timeout would cut long streaming calls and it cannot replay a streamed request body. gRPC's own
    /// retry policy retries unary calls that fail as Unavailable instead.
    /// </summary>
    /// <param name="configureClient">More set-up of each client (the gateway adds its deadline interceptor).</param>
    public static IServiceCollection AddRagGrpcClients(this IServiceCollection services, Uri? address = null, Action<IHttpClientBuilder>? configureClient = null)
    {
        var target = address ?? DefaultRagAddress;
        var serviceConfig = new ServiceConfig
        {
            MethodConfigs =
            {
                new MethodConfig
                {
                    Names = { MethodName.Default },
                    RetryPolicy = new RetryPolicy
                    {
                        MaxAttempts = 4,
                        InitialBackoff = TimeSpan.FromMilliseconds(200),
                        MaxBackoff = TimeSpan.FromSeconds(2),
                        BackoffMultiplier = 2,
                        RetryableStatusCodes = { global::Grpc.Core.StatusCode.Unavailable },
                    },
                },
            },
        };

        void Configure<TClient>() where TClient : class
        {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; see the summary for why it is needed.
            var client = services.AddGrpcClient<TClient>(options => options.Address = target)
                .ConfigureChannel(channel => channel.ServiceConfig = serviceConfig)
                .RemoveAllResilienceHandlers();
            configureClient?.Invoke(client);
#pragma warning restore EXTEXP0001
        }

        Configure<RagService.RagServiceClient>();
        Configure<IndexService.IndexServiceClient>();
        Configure<global::Grpc.Health.V1.Health.HealthClient>();
        return services;
    }
}
