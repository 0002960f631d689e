using YamlDotNet.Serialization;

namespace GithubSts.Operator.Kubernetes;

// The kubeconfig schema (client-go tools/clientcmd/api/v1/types.go), only the fields the loader reads or rejects.
// YamlDotNet needs public settable members; the types stay internal.
#pragma warning disable CA1812 // Instantiated by YamlDotNet.
#pragma warning disable CA2227 // Collection setters: deserialization targets.

internal sealed class KubeconfigDocument
{
    [YamlMember(Alias = "clusters")]
    public List<NamedKubeconfigCluster>? Clusters { get; set; }

    [YamlMember(Alias = "users")]
    public List<NamedKubeconfigUser>? Users { get; set; }

    [YamlMember(Alias = "contexts")]
    public List<NamedKubeconfigContext>? Contexts { get; set; }

    [YamlMember(Alias = "current-context")]
    public string? CurrentContext { get; set; }
}

internal sealed class NamedKubeconfigCluster
{
    [YamlMember(Alias = "name")]
    public string? Name { get; set; }

    [YamlMember(Alias = "cluster")]
    public KubeconfigCluster? Cluster { get; set; }
}

internal sealed class KubeconfigCluster
{
    [YamlMember(Alias = "server")]
    public string? Server { get; set; }

    [YamlMember(Alias = "certificate-authority")]
    public string? CertificateAuthority { get; set; }

    [YamlMember(Alias = "certificate-authority-data")]
    public string? CertificateAuthorityData { get; set; }

    [YamlMember(Alias = "insecure-skip-tls-verify")]
    public bool? InsecureSkipTlsVerify { get; set; }

    [YamlMember(Alias = "tls-server-name")]
    public string? TlsServerName { get; set; }

    [YamlMember(Alias = "proxy-url")]
    public string? ProxyUrl { get; set; }

    /// <summary>Directory of the file that defined this entry (relative paths resolve against it).</summary>
    [YamlIgnore]
    public string BaseDirectory { get; set; } = string.Empty;
}

internal sealed class NamedKubeconfigUser
{
    [YamlMember(Alias = "name")]
    public string? Name { get; set; }

    [YamlMember(Alias = "user")]
    public KubeconfigUser? User { get; set; }
}

internal sealed class KubeconfigUser
{
    [YamlMember(Alias = "token")]
    public string? Token { get; set; }

    [YamlMember(Alias = "tokenFile")]
    public string? TokenFile { get; set; }

    [YamlMember(Alias = "client-certificate")]
    public string? ClientCertificate { get; set; }

    [YamlMember(Alias = "client-certificate-data")]
    public string? ClientCertificateData { get; set; }

    [YamlMember(Alias = "client-key")]
    public string? ClientKey { get; set; }

    [YamlMember(Alias = "client-key-data")]
    public string? ClientKeyData { get; set; }

    // Present only to be refused with a clear message.
    [YamlMember(Alias = "exec")]
    public object? Exec { get; set; }

    [YamlMember(Alias = "auth-provider")]
    public object? AuthProvider { get; set; }

    [YamlMember(Alias = "username")]
    public string? Username { get; set; }

    [YamlMember(Alias = "as")]
    public string? Impersonate { get; set; }

    [YamlIgnore]
    public string BaseDirectory { get; set; } = string.Empty;
}

internal sealed class NamedKubeconfigContext
{
    [YamlMember(Alias = "name")]
    public string? Name { get; set; }

    [YamlMember(Alias = "context")]
    public KubeconfigContext? Context { get; set; }
}

internal sealed class KubeconfigContext
{
    [YamlMember(Alias = "cluster")]
    public string? Cluster { get; set; }

    [YamlMember(Alias = "user")]
    public string? User { get; set; }

    [YamlMember(Alias = "namespace")]
    public string? Namespace { get; set; }
}
