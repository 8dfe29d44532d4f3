namespace RagApp.Tests.Queue;

/// <summary>The queue contract on RagApp's embedded Garnet server.</summary>
public sealed class GarnetIngestQueueTests(GarnetQueueServerFixture server)
    : IngestQueueContractTests(server), IClassFixture<GarnetQueueServerFixture>;
