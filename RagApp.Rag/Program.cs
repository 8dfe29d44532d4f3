using RagApp.Rag.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRagServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcService<RagGrpcService>();
app.MapGrpcService<IndexGrpcService>();
app.MapGrpcHealthChecksService();

app.Run();
