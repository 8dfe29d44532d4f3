namespace RagApp.Tests.Index;

/// <summary>Deterministic random unit vectors: no model needed to exercise the index.</summary>
internal static class SyntheticVectors
{
    public static float[] Unit(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        double norm;
        do
        {
            for (var i = 0; i < dimensions; i++)
            {
                // Box-Muller: Gaussian components give directions uniform on the sphere.
                vector[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }

            norm = Math.Sqrt(vector.Sum(value => (double)value * value));
        }
        while (norm == 0);

        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(vector[i] / norm);
        }

        return vector;
    }
}
