using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagApp.AppHost.Supervision;

namespace RagApp.AppHost.Infrastructure;

/// <summary>Adds the "redis" and vector store resources the <see cref="InfrastructurePlan"/> asks for.</summary>
public static class InfrastructureBuilderExtensions
{
    private const string QdrantImage = "qdrant/qdrant";
    private const string QdrantTag = "v1.15.4";

    /// <summary>Logs, once the application starts, which infrastructure was chosen and why.</summary>
    public static IDistributedApplicationBuilder LogInfrastructurePlan(this IDistributedApplicationBuilder builder, InfrastructurePlan plan)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RagApp.AppHost");
#pragma warning disable CA1848, CA1873 // Logged once at start-up.
            logger.LogInformation(
                "Infrastructure: redis = {Redis}, vector store = {VectorStore}, data in {DataDirectory}. Why: {Reason}",
                plan.Redis, plan.VectorStore, plan.DataDirectory, plan.Reason);
#pragma warning restore CA1848, CA1873
            return Task.CompletedTask;
        });
        return builder;
    }

    /// <summary>Adds the password-protected "redis" resource: a container, a local redis-server, or embedded Garnet.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisStore(this IDistributedApplicationBuilder builder, InfrastructurePlan plan)
    {
        const string name = "redis";
        // Generated once and kept in user secrets, like the passwords of Aspire's own integrations:
        // a secret parameter without a value would make the AppHost wait for one.
        var password = builder.AddParameter(
            $"{name}-password",
            new GenerateParameterDefault { MinLength = 24, Special = false },
            secret: true,
            persist: true);

        switch (plan.Redis)
        {
            case RedisProvider.Container:
                return builder.AddRedis(name, password: password).WithDataVolume();

            case RedisProvider.RedisServer:
            {
                var directory = Path.Combine(plan.DataDirectory, "redis");
                Directory.CreateDirectory(directory);
                var configPath = Path.Combine(directory, "redis.conf");
                var resource = new RedisServerResource(name, "redis-server", directory, password.Resource);
                var redis = builder.AddResource(resource)
                    .WithEndpoint(name: RedisConnection.EndpointName, scheme: "tcp")
                    .WithDirectEndpointWhenRun(RedisConnection.EndpointName)
                    .WithArgs(context =>
                    {
                        // The password lives in the config file, never on the command line.
                        context.Args.Add(configPath);
                        context.Args.Add("--port");
                        context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                    })
                    .OnBeforeResourceStarted(async (_, _, cancellationToken) =>
                        await WriteRedisConfigAsync(configPath, directory, password.Resource, plan.DurableAcknowledgements, cancellationToken));
                return redis.WithRestartOnCrash().WithRedisHealthCheck();
            }

            default:
            {
                var directory = Path.Combine(plan.DataDirectory, "garnet");
                var resource = new GarnetResource(name, password.Resource);
                var garnet = builder.AddResource(resource)
                    .WithAnnotation<IProjectMetadata>(new Projects.RagApp_Garnet())
                    .WithEndpoint(name: RedisConnection.EndpointName, scheme: "tcp")
                    .WithDirectEndpointWhenRun(RedisConnection.EndpointName)
                    .WithEnvironment(context =>
                    {
                        context.EnvironmentVariables["Garnet__Port"] = resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                        context.EnvironmentVariables["Garnet__Password"] = password.Resource;
                        context.EnvironmentVariables["Garnet__DataDirectory"] = directory;
                        // Durable: commit every write and answer after it; otherwise answer at once and commit every 10 ms.
                        context.EnvironmentVariables["Garnet__WaitForAofCommit"] = plan.DurableAcknowledgements ? "true" : "false";
                        context.EnvironmentVariables["Garnet__AofCommitIntervalMilliseconds"] = plan.DurableAcknowledgements ? "0" : "10";
                    })
                    .WithOtlpExporter();
                return garnet.WithRestartOnCrash().WithRedisHealthCheck();
            }
        }
    }

    /// <summary>
    /// Adds the vector store the plan asks for and points RagApp.Rag at it: a Qdrant container or binary
    /// (connection string "qdrant"), or the index embedded in RagApp.Rag under the data directory.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithVectorStore(
        this IResourceBuilder<ProjectResource> rag, InfrastructurePlan plan)
    {
        var builder = rag.ApplicationBuilder;
        if (plan.VectorStore == VectorStoreProvider.Embedded)
        {
            return rag
                .WithEnvironment("VectorStore__Provider", "Embedded")
                .WithEnvironment("VectorStore__DataDirectory", Path.Combine(plan.DataDirectory, "index"));
        }

        var apiKey = builder.AddParameter(
            "qdrant-api-key",
            new GenerateParameterDefault { MinLength = 24, Special = false },
            secret: true,
            persist: true);

        IResourceBuilder<IResourceWithConnectionString> qdrant;
        if (plan.VectorStore == VectorStoreProvider.QdrantContainer)
        {
            var resource = new QdrantServerResource("qdrant", apiKey.Resource);
            qdrant = builder.AddResource(resource)
                .WithImage(QdrantImage, QdrantTag)
                .WithImageRegistry("docker.io")
                .WithEndpoint(targetPort: 6334, name: QdrantConnection.GrpcEndpointName, scheme: "http")
                .WithEndpoint(port: null, targetPort: 6333, name: QdrantConnection.HttpEndpointName, scheme: "http")
                .WithEnvironment("QDRANT__SERVICE__API_KEY", apiKey)
                .WithEnvironment("QDRANT__SERVICE__ENABLE_STATIC_CONTENT", "0")
                .WithVolume("ragapp-qdrant-data", "/qdrant/storage")
                .WithHttpHealthCheck("/readyz", endpointName: QdrantConnection.HttpEndpointName);
        }
        else
        {
            var directory = Path.Combine(plan.DataDirectory, "qdrant");
            Directory.CreateDirectory(directory);
            var resource = new QdrantExecutableResource("qdrant", "qdrant", directory, apiKey.Resource);
            qdrant = builder.AddResource(resource)
                .WithEndpoint(name: QdrantConnection.GrpcEndpointName, scheme: "http")
                .WithEndpoint(name: QdrantConnection.HttpEndpointName, scheme: "http")
                .WithEnvironment(context =>
                {
                    context.EnvironmentVariables["QDRANT__SERVICE__GRPC_PORT"] = resource.GrpcEndpoint.Property(EndpointProperty.TargetPort);
                    context.EnvironmentVariables["QDRANT__SERVICE__HTTP_PORT"] = resource.HttpEndpoint.Property(EndpointProperty.TargetPort);
                    context.EnvironmentVariables["QDRANT__SERVICE__HOST"] = "127.0.0.1";
                    context.EnvironmentVariables["QDRANT__SERVICE__API_KEY"] = apiKey.Resource;
                    context.EnvironmentVariables["QDRANT__STORAGE__STORAGE_PATH"] = Path.Combine(directory, "storage");
                    context.EnvironmentVariables["QDRANT__STORAGE__SNAPSHOTS_PATH"] = Path.Combine(directory, "snapshots");
                    context.EnvironmentVariables["QDRANT__TELEMETRY_DISABLED"] = "true";
                })
                .WithHttpHealthCheck("/readyz", endpointName: QdrantConnection.HttpEndpointName)
                .WithRestartOnCrash();
        }

        return rag
            .WithEnvironment("VectorStore__Provider", "Qdrant")
            .WithReference(qdrant)
            .WaitFor(qdrant);
    }

    private static IResourceBuilder<IResourceWithConnectionString> WithRedisHealthCheck<T>(this IResourceBuilder<T> redis)
        where T : IResourceWithConnectionString
    {
        var builder = redis.ApplicationBuilder;
        var resource = redis.Resource;
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await resource.GetConnectionStringAsync(cancellationToken));

        var key = $"{resource.Name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("The redis connection string is not available yet."),
            name: key);
        return builder.CreateResourceBuilder<IResourceWithConnectionString>(resource).WithHealthCheck(key);
    }

    private static async Task WriteRedisConfigAsync(
        string path, string directory, ParameterResource password, bool durableAcknowledgements, CancellationToken cancellationToken)
    {
        var secret = await password.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException("The redis password parameter has no value.");
        var lines = RedisServerConfiguration.Lines(directory, secret, durableAcknowledgements)
            .Prepend("# Written by RagApp.AppHost before each start; edits are overwritten.");
        await File.WriteAllLinesAsync(path, lines, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
