using RagApp.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

var plan = InfrastructurePlanner.Plan(builder);
builder.LogInfrastructurePlan(plan);

var redis = builder.AddRedisStore(plan);

var rag = builder.AddProject<Projects.RagApp_Rag>("rag")
    .WithReference(redis)
    .WaitFor(redis)
    .WithVectorStore(plan)
    .WithDirectEndpointWhenRun("http")
    .WithHttpHealthCheck("/health", endpointName: "health");

builder.AddProject<Projects.RagApp_Ingest_Worker>("ingest-worker")
    .WithReference(redis)
    .WaitFor(redis)
    .WithReference(rag)
    .WaitFor(rag)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.RagApp_Gateway>("gateway")
    .WithReference(redis)
    .WaitFor(redis)
    .WithReference(rag)
    .WaitFor(rag)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
