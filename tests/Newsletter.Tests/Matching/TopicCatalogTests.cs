using Newsletter.Foundation;
using Newsletter.Matching;

namespace Newsletter.Tests.Matching;

/// <summary>The <c>Topics</c> section checked at start: every bad topic named by its key, the way every section is.</summary>
public class TopicCatalogTests
{
    private static Topic Topic(string slug, string name, string query) => new() { Slug = slug, Name = name, Query = query };

    [Test]
    public void Problems_NameEveryBadTopic_ByItsKey()
    {
        var topics = new List<Topic>
        {
            Topic("ssm", "State space models", "mamba OR \"state space\""),
            Topic("broken", "", "\"mamba OR ("),
            Topic("ssm", "Again", "mamba"),
            Topic("", "No slug", "diffusion"),
        };

        var problems = TopicCatalog.Problems(topics).ToList();

        Assert.That(problems, Has.Count.EqualTo(4));
        Assert.That(problems[0], Is.EqualTo("Topics:broken: every topic needs a Name"));
        Assert.That(problems[1], Does.StartWith("Topics:broken: the query '\"mamba OR (' is not a valid full-text query"));
        Assert.That(problems[2], Is.EqualTo("Topics:ssm: the slug is used by two topics"));
        Assert.That(problems[3], Is.EqualTo("Topics:3: every topic needs a Slug"));
    }

    [Test]
    public void Catalog_MadeFromAList_RefusesTheFirstBadTopic_NamingItsKey()
    {
        var error = Assert.Throws<ConfigurationException>(() => new TopicCatalog([Topic("ok", "Fine", "mamba"), Topic("empty", "Empty", " ")]))!;

        Assert.That(error.Key, Is.EqualTo("Topics:empty"));
        Assert.That(error.Message, Is.EqualTo("Topics:empty: every topic needs a Query"));
        Assert.That(TopicCatalog.Problems([Topic("ok", "Fine", "mamba")]), Is.Empty);
    }
}
