using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RagApp.Gateway.Documents;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Gateway;

/// <summary>
/// Bad requests get the status that says what is wrong, as problem details naming the field at fault, never a 500
/// or an empty body; every answer is also checked against the OpenAPI document.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayStatusCodeTests(GatewayFixture fixture)
{
    private const string Documents = "/api/v1/documents";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_MultipartBoundaryNotTheDeclaredOne_Answers400Problem()
    {
        var body = MultipartBody("actual-boundary", closed: true);
        using var response = await PostMultipartAsync(body, declaredBoundary: "declared-boundary");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "POST", Documents);
        Assert.Contains("closing boundary", problem.GetProperty("errors").GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task Upload_MultipartBodyCutShort_Answers400Problem()
    {
        var body = MultipartBody("the-boundary", closed: false);
        using var response = await PostMultipartAsync(body[..^7], declaredBoundary: "the-boundary");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "POST", Documents);
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _), "The problem names the body as the field at fault.");
    }

    [Fact]
    public async Task GetJob_IdOfTenThousandCharacters_Answers414Problem()
    {
        using var response = await fixture.Client.GetAsync($"/api/v1/jobs/{new string('a', 10_000)}", Cancellation);

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestUriTooLong, "GET", "/api/v1/jobs/{id}");
        Assert.Contains("2048", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GetJob_IdLongerThanAnyId_Answers404Problem()
    {
        using var response = await fixture.Client.GetAsync($"/api/v1/jobs/{new string('a', DocumentIds.MaxLength + 1)}", Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "GET", "/api/v1/jobs/{id}");
    }

    [Fact]
    public async Task Upload_JsonTextOverTheCharacterLimit_Answers413Problem()
    {
        var limit = new UploadOptions().MaxTextCharacters;
        using var response = await fixture.Client.PostAsync(Documents, JsonText(new string('x', limit + 1)), Cancellation);

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "POST", Documents);
        Assert.Contains($"the limit is {limit}", problem.GetProperty("errors").GetProperty("text")[0].GetString());
    }

    [Fact]
    public async Task Upload_TextFileOverTheCharacterLimit_Answers413Problem()
    {
        var limit = new UploadOptions().MaxTextCharacters;
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(new string('x', limit + 1)));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "big.txt");
        using var response = await fixture.Client.PostAsync(Documents, form, Cancellation);

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "POST", Documents);
        Assert.Contains($"the limit is {limit}", problem.GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task Upload_JsonTextAtTheCharacterLimit_IsAccepted()
    {
        var limit = new UploadOptions().MaxTextCharacters;
        using var response = await fixture.Client.PostAsync(Documents, JsonText(new string('y', limit)), Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await fixture.Contract.AssertDocumentedAsync(response, "POST", Documents, Cancellation);
    }

    [Fact]
    public void UploadLimits_AreWithinWhatTheIngestWorkerExtracts()
    {
        // One limit for the JSON text and text files alike, and the worker's: what the gateway accepts, it can index.
        var uploads = new UploadOptions();
        var extraction = new ExtractionOptions();
        Assert.True(uploads.MaxTextCharacters <= extraction.MaxExtractedCharacters,
            $"Gateway:Uploads:MaxTextCharacters ({uploads.MaxTextCharacters}) exceeds Ingest:Extraction:MaxExtractedCharacters ({extraction.MaxExtractedCharacters}).");
        Assert.True(uploads.MaxFileBytes <= extraction.MaxDocumentBytes,
            $"Gateway:Uploads:MaxFileBytes ({uploads.MaxFileBytes}) exceeds Ingest:Extraction:MaxDocumentBytes ({extraction.MaxDocumentBytes}).");
    }

    [Theory]
    [InlineData("{\"text\": 5}", "text", "must be a string")]
    [InlineData("{\"text\": \"a\", \"title\": {\"x\": 1}}", "title", "must be a string")]
    [InlineData("{\"text\": \"a\", \"metadata\": \"team\"}", "metadata", "must be a JSON object")]
    [InlineData("[\"text\"]", "body", "must be a JSON object")]
    [InlineData("{\"text\": \"a\",", "body", "is not valid JSON")]
    [InlineData("{\"text\": \"a\", \"nested\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "body", "too deeply")]
    public async Task Upload_JsonThatDoesNotBind_Answers400NamingTheFieldWithoutTypeNames(string json, string field, string expected)
    {
        using var response = await fixture.Client.PostAsync(Documents, new StringContent(json, Encoding.UTF8, "application/json"), Cancellation);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "POST", Documents);
        Assert.Contains(expected, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        AssertNoTypeNames(problem.GetRawText());
    }

    [Fact]
    public async Task Upload_JsonTextNotValidUtf8_Answers400NamingTheText()
    {
        byte[] json = [.. "{\"text\": \"abc"u8, 0xC3, 0x28, 0xFF, .. "def\"}"u8];
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await fixture.Client.PostAsync(Documents, content, Cancellation);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "POST", Documents);
        Assert.Equal("is not valid UTF-8 text", problem.GetProperty("errors").GetProperty("text")[0].GetString());
    }

    [Fact]
    public async Task ListDocuments_PageSizeNotANumber_Answers400ProblemWithoutTypeNames()
    {
        using var response = await fixture.Client.GetAsync($"{Documents}?page_size=many", Cancellation);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "GET", Documents);
        Assert.Equal("must be a whole number", problem.GetProperty("errors").GetProperty("page_size")[0].GetString());
        AssertNoTypeNames(problem.GetRawText());
    }

    private async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string method, string path)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await fixture.Contract.AssertDocumentedAsync(response, method, path, Cancellation);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    private static void AssertNoTypeNames(string problem)
    {
        foreach (var typeName in new[] { "RagApp.", "System.", "Int32", "String", "TextDocumentRequest", "JsonElement" })
        {
            Assert.DoesNotContain(typeName, problem, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> PostMultipartAsync(byte[] body, string declaredBoundary)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={declaredBoundary}");
        return await fixture.Client.PostAsync(Documents, content, Cancellation);
    }

    private static byte[] MultipartBody(string boundary, bool closed) => Encoding.UTF8.GetBytes(
        $"--{boundary}\r\n" +
        "Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n" +
        "Content-Type: text/plain\r\n\r\n" +
        "Some notes worth indexing.\r\n" +
        (closed ? $"--{boundary}--\r\n" : $"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nNotes and more notes"));

    private static StringContent JsonText(string text) =>
        new(JsonSerializer.Serialize(new { text }), Encoding.UTF8, "application/json");
}
