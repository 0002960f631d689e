using System.Text;

namespace GithubSts.Testing.Oidc;

/// <summary>Builds compact JWS strings from exact JSON text, so duplicate members or trailing garbage can be signed.</summary>
public static class JwtForge
{
    public static string Create(string headerJson, string payloadJson, SigningChoice signing)
    {
        ArgumentNullException.ThrowIfNull(signing);
        var signingInput = Base64UrlText.Encode(headerJson) + "." + Base64UrlText.Encode(payloadJson);
        var signature = signing.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlText.Encode(signature);
    }
}
