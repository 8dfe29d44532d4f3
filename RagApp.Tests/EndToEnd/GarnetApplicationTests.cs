namespace RagApp.Tests.EndToEnd;

[Collection(GarnetAppCollection.Name)]
public sealed class GarnetApplicationTests(GarnetAppFixture fixture) : ApplicationHealthTests<GarnetAppFixture>(fixture);
