namespace RagApp.Tests.Queue;

/// <summary>The queue's model-based tests on RagApp's embedded Garnet server.</summary>
public sealed class GarnetIngestQueueModelTests(GarnetQueueServerFixture server)
    : IngestQueueModelTests(server), IClassFixture<GarnetQueueServerFixture>;
