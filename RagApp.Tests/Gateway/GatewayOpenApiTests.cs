using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RagApp.Core.Queue;
using RagApp.Tests.Index;

namespace RagApp.Tests.Gateway;

/// <summary>
/// /openapi/v1.json describes the API as it answers: each endpoint is called for real and its status, content type and
/// body are checked against the document, and the document shows what clients need (both upload bodies, plain integer
/// types, the status values).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayOpenApiTests(GatewayFixture fixture)
{
    private const string Documents = "/api/v1/documents";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private OpenApiContract Contract => fixture.Contract;

    private HttpClient Client => fixture.Client;

    [Fact]
    public void Upload_DocumentsBothRequestBodies()
    {
        var content = Contract.Operation("POST", Documents)["requestBody"]?["content"]?.AsObject();

        Assert.NotNull(content);
        var json = content!["application/json"]?["schema"];
        Assert.Equal("text", json?["required"]?[0]?.GetValue<string>());
        Assert.Equal("string", json?["properties"]?["text"]?["type"]?.GetValue<string>());
        var multipart = content["multipart/form-data"]?["schema"];
        Assert.Equal("file", multipart?["required"]?[0]?.GetValue<string>());
        Assert.Equal("binary", multipart?["properties"]?["file"]?["items"]?["format"]?.GetValue<string>());
    }

    [Fact]
    public void Upload_Documents202ForBothShapes()
    {
        var schema = Contract.Operation("POST", Documents)["responses"]?["202"]?["content"]?["application/json"]?["schema"];

        var shapes = schema?["oneOf"]?.AsArray().Select(shape => shape?["$ref"]?.GetValue<string>()).ToList();
        Assert.Equal(["#/components/schemas/DocumentAccepted", "#/components/schemas/DocumentsAccepted"], shapes);
    }

    [Fact]
    public void Schemas_TypeIntegersAsPlainIntegers()
    {
        var mixed = Descendants(Contract.Document)
            .OfType<JsonObject>()
            .Where(node => node["type"] is JsonArray types && types.Any(type => type?.GetValue<string>() == "integer")
                && types.Any(type => type?.GetValue<string>() == "string"))
            .Select(node => node.GetPath())
            .ToList();

        Assert.True(mixed.Count == 0, $"Integers typed as integer-or-string at: {string.Join(", ", mixed)}");
    }

    [Fact]
    public void JobStatus_ListsEveryStatusTheQueueUses()
    {
        var values = Contract.Schema("JobStatusResponse")["properties"]?["status"]?["enum"]?.AsArray().Select(value => value!.GetValue<string>());

        Assert.Equal(["queued", "processing", "succeeded", "unchanged", "superseded", "failed"], values);
        Assert.Equal(Enum.GetNames<JobState>().Select(name => name.ToLowerInvariant()), values);
    }

    [Fact]
    public async Task RealAnswers_MatchTheDocument()
    {
        var documentId = $"openapi-{Guid.NewGuid():N}";
        await fixture.Index.Client.UpsertAsync(TestDocument.Create(documentId, new Random(7), "First chunk of text.", "Second chunk of text."));

        // Uploads: JSON text and multipart files answer 202 in their own shapes; bad ones their problems.
        var jobId = (await CheckAsync(HttpMethod.Post, Documents, Documents, HttpStatusCode.Accepted,
            JsonContent.Create(new { text = "A text for the contract.", title = "Contract", metadata = new { team = "search", rank = 2 } })))
            .GetProperty("job_id").GetString()!;
        await CheckAsync(HttpMethod.Post, Documents, Documents, HttpStatusCode.Accepted, Files(("a.md", "text/markdown", "# A\n\nMarkdown.")));
        await CheckAsync(HttpMethod.Post, Documents, Documents, HttpStatusCode.BadRequest, JsonContent.Create(new { text = " " }));
        await CheckAsync(HttpMethod.Post, Documents, Documents, HttpStatusCode.UnsupportedMediaType, new StringContent("a,b", Encoding.UTF8, "text/csv"));
        await CheckAsync(HttpMethod.Post, Documents, Documents, HttpStatusCode.UnsupportedMediaType, Files(("a.bin", "application/octet-stream", "?")));

        // Jobs.
        await CheckAsync(HttpMethod.Get, $"/api/v1/jobs/{jobId}", "/api/v1/jobs/{id}", HttpStatusCode.OK);
        await CheckAsync(HttpMethod.Get, "/api/v1/jobs/no-such-job", "/api/v1/jobs/{id}", HttpStatusCode.NotFound);
        await CheckAsync(HttpMethod.Post, $"/api/v1/jobs/{jobId}/retry", "/api/v1/jobs/{id}/retry", HttpStatusCode.Conflict);
        await CheckAsync(HttpMethod.Post, "/api/v1/jobs/no-such-job/retry", "/api/v1/jobs/{id}/retry", HttpStatusCode.NotFound);
        await CheckAsync(HttpMethod.Post, "/api/v1/jobs/retry-failed", "/api/v1/jobs/retry-failed", HttpStatusCode.OK);
        await CheckAsync(HttpMethod.Get, "/api/v1/jobs/no-such-job/events", "/api/v1/jobs/{id}/events", HttpStatusCode.NotFound);
        using (var events = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{jobId}/events"))
        using (var stream = await Client.SendAsync(events, HttpCompletionOption.ResponseHeadersRead, Cancellation))
        {
            // A stream that ends with the job: only its status and content type are checked.
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.True(Contract.Operation("GET", "/api/v1/jobs/{id}/events")["responses"]?["200"]?["content"]?[stream.Content.Headers.ContentType!.MediaType!] is not null,
                $"The events stream answers {stream.Content.Headers.ContentType}, which the document does not list.");
        }

        // Documents in the index.
        await CheckAsync(HttpMethod.Get, Documents, Documents, HttpStatusCode.OK);
        await CheckAsync(HttpMethod.Get, $"{Documents}?page_size=1", Documents, HttpStatusCode.OK);
        await CheckAsync(HttpMethod.Get, $"{Documents}?page_size=0", Documents, HttpStatusCode.BadRequest);
        await CheckAsync(HttpMethod.Get, $"{Documents}/{documentId}", "/api/v1/documents/{id}", HttpStatusCode.OK);
        await CheckAsync(HttpMethod.Get, $"{Documents}/no-such-document", "/api/v1/documents/{id}", HttpStatusCode.NotFound);
        await CheckAsync(HttpMethod.Get, $"{Documents}/{documentId}/chunks", "/api/v1/documents/{id}/chunks", HttpStatusCode.OK);
        await CheckAsync(HttpMethod.Get, $"{Documents}/no-such-document/chunks", "/api/v1/documents/{id}/chunks", HttpStatusCode.NotFound);
        await CheckAsync(HttpMethod.Delete, $"{Documents}/{documentId}", "/api/v1/documents/{id}", HttpStatusCode.Accepted);
        await CheckAsync(HttpMethod.Delete, $"{Documents}/no-such-document", "/api/v1/documents/{id}", HttpStatusCode.NotFound);

        // Health: whatever it says of the dependencies (this index has no gRPC health service), it says it as documented.
        using var health = await Client.GetAsync("/api/v1/health", Cancellation);
        await Contract.AssertDocumentedAsync(health, "GET", "/api/v1/health", Cancellation);
    }

    private async Task<JsonElement> CheckAsync(
        HttpMethod method, string url, string pathTemplate, HttpStatusCode expected, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        using var response = await Client.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(expected == response.StatusCode, $"{method} {url}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        await Contract.AssertDocumentedAsync(response, method.Method, pathTemplate, Cancellation);
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    private static MultipartFormDataContent Files(params (string Name, string ContentType, string Text)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, contentType, text) in files)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(part, "file", name);
        }

        return form;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(entry => entry.Value),
            JsonArray array => array,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().SelectMany(Descendants))
        {
            yield return child;
        }
    }
}
