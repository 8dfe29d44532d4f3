using System.Buffers;
using RagApp.Rag.Index.Keywords;

namespace RagApp.Rag.Index.Embedded;

/// <summary>
/// BM25 statistics over the chunk slots, kept up to date on every add and remove: postings per term, each slot's
/// length in terms, the total length for the average. Each chunk is one BM25 "document".
/// </summary>
internal sealed class KeywordIndex(Bm25 bm25, KeywordStemming stemming)
{
    private readonly Dictionary<string, PostingList> _postings = new(StringComparer.Ordinal);
    private int[] _lengths = [];
    private long _totalLength;
    private int _chunkCount;

    public int TermCount => _postings.Count;

    public void Add(int slot, string text)
    {
        if (slot >= _lengths.Length)
        {
            Array.Resize(ref _lengths, Math.Max(1024, Math.Max(slot + 1, _lengths.Length * 2)));
        }

        // Terms are looked up as spans: a string is made only for a term the index has never seen.
        var terms = _postings.GetAlternateLookup<ReadOnlySpan<char>>();
        var length = 0;
        var reader = new TokenReader(text, stackalloc char[TokenReader.MaxTermLength], stemming);
        while (reader.TryRead(out var term))
        {
            if (!terms.TryGetValue(term, out var postings))
            {
                postings = new PostingList(term.ToString());
                _postings.Add(postings.Term, postings);
            }

            postings.AddOccurrence(slot);
            length++;
        }

        _lengths[slot] = length;
        _totalLength += length;
        _chunkCount++;
    }

    /// <summary>Removes a slot; <paramref name="text"/> must be the text it was added with (re-tokenised rather than kept).</summary>
    public void Remove(int slot, string text)
    {
        var terms = _postings.GetAlternateLookup<ReadOnlySpan<char>>();
        var reader = new TokenReader(text, stackalloc char[TokenReader.MaxTermLength], stemming);
        while (reader.TryRead(out var term))
        {
            // A repeated term was removed at its first occurrence, or its whole list already went.
            if (terms.TryGetValue(term, out var postings) && postings.TryRemove(slot) && postings.Count == 0)
            {
                _postings.Remove(postings.Term);
            }
        }

        _totalLength -= _lengths[slot];
        _lengths[slot] = 0;
        _chunkCount--;
    }

    /// <summary>
    /// Scores every slot that holds at least one query term (and passes <paramref name="allowed"/>, when given)
    /// into <paramref name="collector"/>. Works in one pooled accumulator sized to the slot range.
    /// </summary>
    public void Search(IReadOnlyList<string> terms, int slotLimit, bool[]? allowed, TopKCollector collector)
    {
        if (terms.Count == 0 || _chunkCount == 0)
        {
            return;
        }

        var averageLength = (double)_totalLength / _chunkCount;
        var scores = ArrayPool<float>.Shared.Rent(slotLimit);
        var touched = ArrayPool<int>.Shared.Rent(slotLimit);
        var touchedCount = 0;
        try
        {
            Array.Clear(scores, 0, slotLimit);
            foreach (var term in terms)
            {
                if (!_postings.TryGetValue(term, out var postings))
                {
                    continue;
                }

                var idf = Bm25.InverseDocumentFrequency(_chunkCount, postings.Count);
                foreach (var (slot, frequency) in postings.Postings)
                {
                    if (allowed is not null && !allowed[slot])
                    {
                        continue;
                    }

                    if (scores[slot] == 0)
                    {
                        touched[touchedCount++] = slot;
                    }

                    scores[slot] += (float)(idf * bm25.TermWeight(frequency, _lengths[slot], averageLength));
                }
            }

            for (var i = 0; i < touchedCount; i++)
            {
                collector.Offer(touched[i], scores[touched[i]]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(touched);
        }
    }
}
