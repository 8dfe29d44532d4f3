namespace RagApp.Reliability;

/// <summary>Compares what the index holds for each document with what it must hold, chunk by chunk.</summary>
internal sealed class IndexVerifier(GatewayClient gateway, ExpectedChunks expected)
{
    /// <summary>
    /// For each document, the text of its newest submission, or null when that was a delete. Returns one line per
    /// document that differs (missing, left behind, a chunk missing, duplicated, or with other text).
    /// </summary>
    public async Task<List<string>> VerifyAsync(IReadOnlyDictionary<string, string?> newest, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var (documentId, text) in newest)
        {
            var held = await gateway.GetChunksAsync(documentId, cancellationToken);
            if (text is null)
            {
                if (held is not null)
                {
                    problems.Add($"{documentId}: deleted last, but the index holds {held.Count} chunks");
                }

                continue;
            }

            if (held is null)
            {
                problems.Add($"{documentId}: missing from the index");
                continue;
            }

            var want = expected.For(documentId, text);
            var duplicates = held.Count - held.Select(chunk => chunk.ChunkId).Distinct().Count();
            if (duplicates > 0)
            {
                problems.Add($"{documentId}: {duplicates} duplicate chunk ids");
            }

            var heldById = held.GroupBy(chunk => chunk.ChunkId).ToDictionary(group => group.Key, group => group.First());
            var missing = want.Count(chunk => !heldById.ContainsKey(chunk.ChunkId));
            var wrongText = want.Count(chunk => heldById.TryGetValue(chunk.ChunkId, out var got) && (got.Text != chunk.Text || got.Ordinal != chunk.Ordinal));
            var extra = heldById.Keys.Except(want.Select(chunk => chunk.ChunkId)).Count();
            if (missing + wrongText + extra > 0)
            {
                problems.Add($"{documentId}: {missing} chunks missing, {extra} extra, {wrongText} with other text (want {want.Count}, holds {held.Count})");
            }
        }

        return problems;
    }
}
