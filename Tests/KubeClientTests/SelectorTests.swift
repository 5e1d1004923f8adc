import KubeClient
import Testing

@Suite struct SelectorTests {
    @Test func parsesEveryOperatorAndRendersItBack() throws {
        let text = "app=web,tier!=db,env in (prod,staging),zone notin (a),canary,!legacy"
        let selector = try LabelSelector(parsing: text)
        #expect(selector.requirements == [
            .equals("app", "web"), .notEquals("tier", "db"), .isIn("env", ["prod", "staging"]), .notIn("zone", ["a"]),
            .exists("canary"), .doesNotExist("legacy"),
        ])
        #expect(selector.description == text)
        #expect(try LabelSelector(parsing: selector.description) == selector)
    }

    @Test func matchesLabels() throws {
        let selector = try LabelSelector(parsing: "app=web,env in (prod),!legacy")
        #expect(selector.matches(["app": "web", "env": "prod"]))
        #expect(!selector.matches(["app": "web", "env": "dev"]))
        #expect(!selector.matches(["app": "web", "env": "prod", "legacy": "1"]))
        #expect(try LabelSelector(parsing: "tier!=db").matches([:]))
        #expect(!(try LabelSelector(parsing: "tier=db").matches([:])))
    }

    @Test func convertsMetaV1Selectors() {
        let spec = LabelSelectorSpec(matchLabels: ["b": "2", "a": "1"],
                                     matchExpressions: [.init(key: "c", operator: "In", values: ["x", "y"]), .init(key: "d", operator: "DoesNotExist")])
        #expect(LabelSelector(spec).description == "a=1,b=2,c in (x,y),!d")
    }

    @Test func rejectsMalformedSelectors() {
        #expect(throws: LabelSelector.ParseError.self) { try LabelSelector(parsing: "env in prod") }
        #expect(throws: LabelSelector.ParseError.self) { try LabelSelector(parsing: "bad key=1") }
    }

    @Test func fieldSelectors() throws {
        let selector = try FieldSelector(parsing: "metadata.name=web,status.phase!=Running")
        #expect(selector.terms.count == 2)
        #expect(selector.terms[1].negated)
        #expect(selector.description == "metadata.name=web,status.phase!=Running")
    }
}
