using Genviral.Functions.Tests.Analytics;
using Genviral.Functions.Tests.Infrastructure;
using Genviral.Functions.Tests.Media;

[assembly: AssemblyFixture(typeof(SharedApiFactory))]
[assembly: AssemblyFixture(typeof(SharedMediaFactory))]
[assembly: AssemblyFixture(typeof(SharedAnalyticsFactory))]

namespace Genviral.Functions.Tests.Infrastructure;

// One host for all the classes that take one of these types (SharedMediaFactory and SharedAnalyticsFactory sit beside
// their bases) instead of one host per class. A class shares a host when its tests isolate by tenant alone: no moves of
// the fake clock, no draining or peeking of a queue (a peek sees 32 messages), no dispatcher run over the whole
// schedule. The other classes keep an IClassFixture of their own.

/// <summary>The plain app, shared by the classes whose tests only make their own tenants, accounts and posts.</summary>
public sealed class SharedApiFactory : ApiFactory;
