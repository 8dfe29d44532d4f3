using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace RagApp.Tests.EndToEnd;

/// <summary>Calls the gateway's REST API the way a client would, and waits for jobs to end.</summary>
public sealed class GatewayApi(HttpClient client)
{
    public static readonly TimeSpan JobPatience = TimeSpan.FromMinutes(4);

    private static readonly string[] TerminalStates = ["succeeded", "unchanged", "superseded", "failed"];

    public HttpClient Client => client;

    public async Task<JsonElement> UploadTextAsync(string text, string? title = null, string? documentId = null,
        IReadOnlyDictionary<string, object>? metadata = null, CancellationToken cancellationToken = default)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/documents",
            new Dictionary<string, object?> { ["text"] = text, ["title"] = title, ["document_id"] = documentId, ["metadata"] = metadata },
            cancellationToken);
        return await ReadAcceptedAsync(response, cancellationToken);
    }

    /// <summary>
    /// Uploads as a well-behaved client does while a dependency comes back: a 503 is retried after its Retry-After,
    /// within <paramref name="patience"/>; any other answer but 202 fails.
    /// </summary>
    public async Task<JsonElement> UploadTextHonouringRetryAfterAsync(string text, string title, string documentId, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/documents",
                new Dictionary<string, object?> { ["text"] = text, ["title"] = title, ["document_id"] = documentId }, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return await ReadAcceptedAsync(response, cancellationToken);
            }

            var wait = response.Headers.RetryAfter?.Delta;
            Assert.True(wait is not null, "a 503 without Retry-After");
            await Task.Delay(wait.Value, cancellationToken);
        }
    }

    public async Task<HttpResponseMessage> PostFilesAsync(
        IEnumerable<(string FileName, string ContentType, byte[] Content)> files,
        IReadOnlyDictionary<string, string>? fields = null,
        CancellationToken cancellationToken = default)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (fileName, contentType, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            form.Add(part, "file", fileName);
        }

        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            form.Add(new StringContent(value), name);
        }

        return await client.PostAsync("/api/v1/documents", form, cancellationToken);
    }

    /// <summary>Uploads one file and returns its accepted entry (job_id, document_id).</summary>
    public async Task<JsonElement> UploadFileAsync(string fileName, string contentType, byte[] content,
        IReadOnlyDictionary<string, string>? fields = null, CancellationToken cancellationToken = default)
    {
        using var response = await PostFilesAsync([(fileName, contentType, content)], fields, cancellationToken);
        var accepted = await ReadAcceptedAsync(response, cancellationToken);
        return accepted.GetProperty("documents")[0];
    }

    public async Task<JsonElement> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"/api/v1/jobs/{jobId}", cancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadJsonAsync(response, cancellationToken);
    }

    /// <summary>Polls the job until it succeeded, was unchanged or failed for good.</summary>
    public async Task<JsonElement> WaitForJobAsync(string jobId, CancellationToken cancellationToken, TimeSpan? patience = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience ?? JobPatience);
        while (true)
        {
            var job = await GetJobAsync(jobId, timeout.Token);
            var status = job.GetProperty("status").GetString();
            var finished = TerminalStates.Contains(status) && (status != "failed" || job.GetProperty("dead_lettered").GetBoolean());
            if (finished)
            {
                return job;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
        }
    }

    /// <summary>Polls the job until <paramref name="predicate"/> holds.</summary>
    public async Task<JsonElement> WaitForJobAsync(string jobId, Func<JsonElement, bool> predicate, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(JobPatience);
        while (true)
        {
            var job = await GetJobAsync(jobId, timeout.Token);
            if (predicate(job))
            {
                return job;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    public async Task<(int Status, JsonElement? Body)> GetDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"/api/v1/documents/{documentId}", cancellationToken);
        return ((int)response.StatusCode, response.IsSuccessStatusCode ? await ReadJsonAsync(response, cancellationToken) : null);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.Clone();
    }

    private static async Task<JsonElement> ReadAcceptedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
