using Flint.Api.Tests.Infrastructure;
using Flint.Persistence;

namespace Flint.Api.Tests.Storage.Conformance;

/// <summary>Orleans' stock ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet) on Flint's orleans_storage
/// table, through the statements deploy/sql/003_orleans_persistence.sql registers for it: the storage of the grains
/// whose writes carry no effects.</summary>
[Collection(ApiCollection.Name)]
public sealed class AdoNetGrainStorageConformanceTests(ApiFixture f) : GrainStorageConformance(f)
{
    protected override string StorageName => FlintStorage.StockAdoNetStorageName;
}
