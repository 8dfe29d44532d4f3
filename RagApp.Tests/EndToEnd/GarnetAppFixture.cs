using RagApp.AppHost.Infrastructure;

namespace RagApp.Tests.EndToEnd;

/// <summary>The application with the embedded Garnet server as "redis".</summary>
public sealed class GarnetAppFixture() : RagAppFixture(LocalRedisKind.Garnet);
