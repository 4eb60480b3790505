using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Flint.Persistence.DataProtection;

/// <summary>
/// ASP.NET Core Data Protection's key ring in PostgreSQL (flint_data_protection_keys, deploy/sql/018_users.sql). The keys
/// protect the antiforgery tokens of every form and the sign-in cookie, so all silos must share them and a restart
/// must keep them: a form rendered by one silo is posted to another, a cookie outlives any one process. Data
/// Protection calls this synchronously, rarely (when it loads or refreshes the ring, about daily, and when it makes a
/// key), so the statements are synchronous too. Keys are stored as the key manager writes them, which without an XML
/// encryptor is plain XML: whoever can read the database can read them (as they can read everything else there).
/// </summary>
public sealed class DataProtectionKeyTable(NpgsqlDataSource db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = db.CreateCommand("SELECT xml FROM flint_data_protection_keys ORDER BY created_at, friendly_name");
        using var r = cmd.ExecuteReader();
        var elements = new List<XElement>();
        while (r.Read()) elements.Add(XElement.Parse(r.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // The key manager names each element after its key id ("key-<guid>") or its revocation time: the same name is
        // the same element, written again only by a retry, so an existing row is kept.
        using var cmd = db.CreateCommand("""
            INSERT INTO flint_data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, now())
            ON CONFLICT (friendly_name) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("name", friendlyName);
        cmd.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}
