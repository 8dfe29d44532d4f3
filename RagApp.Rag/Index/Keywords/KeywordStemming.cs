namespace RagApp.Rag.Index.Keywords;

/// <summary>How the keyword signal reduces a word to its index term (VectorStore:Keyword:Stemming).</summary>
public enum KeywordStemming
{
    /// <summary>Words as written (lower-cased): "flows" and "flow" are different terms.</summary>
    None,

    /// <summary>English stems (Snowball's Porter2, from Lucene.Net): "flows", "flowing" and "flow" are one term.</summary>
    English,
}
