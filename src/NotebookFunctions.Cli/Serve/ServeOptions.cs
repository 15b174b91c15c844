namespace NotebookFunctions.Cli.Serve;

/// <summary>What <c>nbf serve</c> was asked for.</summary>
public sealed record ServeOptions
{
    /// <summary>Loopback port of the API (7071, as <c>func start</c> uses).</summary>
    public int Port { get; init; } = 7071;

    /// <summary>Chunks run at once by this host.</summary>
    public int Parallel { get; init; } = 2;

    /// <summary>API key with every role; generated and printed when none is configured.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The container whose new blobs start runs (incoming/, as the Functions blob trigger watches).</summary>
    public string IncomingContainer { get; init; } = Api.Incoming.IncomingBlobs.Container;

    /// <summary>How often the incoming container is looked at (a blob trigger's stand-in).</summary>
    public TimeSpan IncomingPollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
