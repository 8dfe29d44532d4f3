using RagApp.Tests.Queue;

namespace RagApp.Tests.Sessions;

/// <summary>The session store on RagApp's embedded Garnet.</summary>
public sealed class GarnetSessionStoreTests(GarnetQueueServerFixture server)
    : SessionStoreContractTests(server), IClassFixture<GarnetQueueServerFixture>;
