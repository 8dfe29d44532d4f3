using RagApp.Rag.Grpc;

var builder = WebApplication.CreateBuilder(args);
// Ports a deployment gives (HTTP_PORTS, ASPNETCORE_URLS) move the localhost endpoints of appsettings.json to every interface.
builder.Configuration.AddInMemoryCollection(DeploymentEndpoints.Overrides(builder.Configuration));

builder.AddServiceDefaults();
builder.AddRagServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcService<RagGrpcService>();
app.MapGrpcService<IndexGrpcService>();
app.MapGrpcHealthChecksService();

app.Run();
