namespace RagApp.Tests.EndToEnd;

/// <summary>The write path on the application whose Redis is the embedded Garnet server.</summary>
[Collection(GarnetAppCollection.Name)]
public sealed class GarnetIngestionTests(GarnetAppFixture fixture) : IngestionTests<GarnetAppFixture>(fixture);
