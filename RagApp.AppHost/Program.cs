using RagApp.AppHost.Access;
using RagApp.AppHost.Commands;
using RagApp.AppHost.Infrastructure;
using RagApp.AppHost.Models;
using RagApp.AppHost.Publishing;
using RagApp.AppHost.Supervision;

var builder = DistributedApplication.CreateBuilder(args);

var plan = InfrastructurePlanner.Plan(builder);
builder.LogInfrastructurePlan(plan);

var redis = builder.AddRedisStore(plan);
var apiKeys = builder.AddApiKeys();
var rateLimit = builder.AddRateLimit();

var rag = builder.AddProject<Projects.RagApp_Rag>("rag")
    .WithReference(redis)
    .WaitFor(redis)
    .WithVectorStore(plan)
    .WithChatModel()
    .WithDirectEndpointWhenRun("http")
    .WithHttpHealthCheck("/health", endpointName: "health")
    .WithRestartOnCrash();

builder.AddProject<Projects.RagApp_Ingest_Worker>("ingest-worker")
    .WithReference(redis)
    .WaitFor(redis)
    .WithReference(rag)
    .WaitFor(rag)
    .WithHttpHealthCheck("/health")
    .WithRestartOnCrash();

builder.AddProject<Projects.RagApp_Gateway>("gateway")
    .WithReference(redis)
    .WaitFor(redis)
    .WithReference(rag)
    .WaitFor(rag)
    .WithHttpHealthCheck("/health")
    .WithAccess(apiKeys, rateLimit)
    .WithExternalHttpEndpoints()
    .WithRestartOnCrash()
    .WithRetryFailedJobsCommand(apiKeys)
    .WithFlushQueryCacheCommand(apiKeys);

builder.AddKubernetesPublishing();

builder.Build().Run();
