using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RagApp.Reliability;

/// <summary>The gateway's REST API as a client uses it.</summary>
internal sealed class GatewayClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    /// <summary>Uploads a text (the JSON path). Null job when the gateway did not accept it (the status says why).</summary>
    public async Task<Submission> UploadTextAsync(string documentId, string title, string text, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.PostAsJsonAsync("/api/v1/documents",
                new Dictionary<string, object> { ["document_id"] = documentId, ["title"] = title, ["text"] = text }, cancellationToken);
            return await SubmissionAsync(response, documentId, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            return new Submission(documentId, 0, null, 0, exception.Message);
        }
    }

    public async Task<Submission> DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.DeleteAsync($"/api/v1/documents/{documentId}", cancellationToken);
            return await SubmissionAsync(response, documentId, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            return new Submission(documentId, 0, null, 0, exception.Message);
        }
    }

    /// <summary>The job as <c>GET /api/v1/jobs/{id}</c> shows it; null for 404, throws for anything but 200.</summary>
    public async Task<JobView?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"/api/v1/jobs/{jobId}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var job = body.RootElement;
        return new JobView(
            jobId,
            job.GetProperty("document_id").GetString()!,
            job.GetProperty("kind").GetString()!,
            job.GetProperty("document_version").GetInt64(),
            job.GetProperty("status").GetString()!,
            job.GetProperty("attempts").GetInt32(),
            job.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null,
            job.GetProperty("dead_lettered").GetBoolean());
    }

    /// <summary>The chunks the index holds for the document; null when it holds none (404).</summary>
    public async Task<IReadOnlyList<(string ChunkId, int Ordinal, string Text)>?> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"/api/v1/documents/{documentId}/chunks", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return [.. body.RootElement.GetProperty("chunks").EnumerateArray().Select(chunk => (
            chunk.GetProperty("chunk_id").GetString()!,
            chunk.GetProperty("ordinal").GetInt32(),
            chunk.GetProperty("text").GetString()!))];
    }

    /// <summary>Waits until every job has ended (a terminal status), polling; returns each job's last view.</summary>
    public async Task<Dictionary<string, JobView?>> WaitForJobsAsync(IEnumerable<string> jobIds, TimeSpan bound, CancellationToken cancellationToken)
    {
        var pending = new HashSet<string>(jobIds);
        var views = new Dictionary<string, JobView?>();
        var deadline = DateTime.UtcNow + bound;
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var jobId in pending.ToList())
            {
                JobView? view;
                try
                {
                    view = await GetJobAsync(jobId, cancellationToken);
                }
                catch (HttpRequestException)
                {
                    // The gateway or Redis is restarting: ask again on the next round.
                    continue;
                }

                views[jobId] = view;
                if (view is null || view.Ended)
                {
                    pending.Remove(jobId);
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(500, cancellationToken);
            }
        }

        return views;
    }

    private static async Task<Submission> SubmissionAsync(HttpResponseMessage response, string documentId, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return new Submission(documentId, (int)response.StatusCode, null, 0, text.Length > 300 ? text[..300] : text)
            {
                RetryAfter = response.Headers.RetryAfter is not null,
            };
        }

        using var body = JsonDocument.Parse(text);
        return new Submission(
            documentId,
            (int)response.StatusCode,
            body.RootElement.GetProperty("job_id").GetString(),
            body.RootElement.GetProperty("document_version").GetInt64(),
            null);
    }
}
