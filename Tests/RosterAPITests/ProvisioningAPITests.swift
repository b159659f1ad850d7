import Foundation
import HTTPTypes
import NIOCore
import RosterApp
import RosterService
import Testing

/// `POST /v1/tenants` as the provisioning workflow (issue 5), over HTTP.
@Suite("HTTP: tenant provisioning")
struct ProvisioningAPITests {
    struct TTracking: Codable { var status: String; var companyId: String?; var contactId: String?; var tagId: String?; var attempts: Int; var lastError: String? }
    struct TProvisioned: Codable {
        var id: String; var slug: String; var status: String; var adminUserId: String?; var provisioningError: String?; var tracking: TTracking?
    }

    static func body(_ slug: String, name: String = "Acme", email: String? = nil) -> String {
        #"{"slug":"\#(slug)","name":"\#(name)","admin":{"firstName":"Ada","lastName":"Admin","email":"\#(email ?? "ada@\(slug).example.com")"}}"#
    }

    static func slug() -> String { "p-" + UUID().uuidString.lowercased().prefix(12) }

    @Test func provisioningAnswersWithTheAdminAndTracking() async throws {
        try await withApp { api in
            let slug = Self.slug()
            let created = try await api.send(.post, "/v1/tenants", json: Self.body(slug))
            #expect(created.status == .created, "\(created.text)")
            let tenant = try created.decode(TProvisioned.self)
            #expect(tenant.status == "active" && tenant.adminUserId != nil && tenant.tracking?.status == "tracked")
            #expect(tenant.tracking?.companyId != nil && tenant.tracking?.contactId != nil && tenant.tracking?.tagId != nil)
            let shown = try await api.send(.get, "/v1/tenants/\(slug)").decode(TProvisioned.self)
            #expect(shown.adminUserId == tenant.adminUserId && shown.tracking?.companyId == tenant.tracking?.companyId)
            // Every answer that is a tenant has them: the list's items, and a change's answer.
            let listed = try await api.send(.get, "/v1/tenants?limit=500").decode(TList<TProvisioned>.self).items.first { $0.slug == slug }
            #expect(listed?.adminUserId == tenant.adminUserId && listed?.tracking?.companyId == tenant.tracking?.companyId)
            let renamed = try await api.send(.patch, "/v1/tenants/\(slug)", json: #"{"name":"Acme Renamed"}"#)
            #expect(renamed.status == .ok, "\(renamed.text)")
            let changed = try renamed.decode(TProvisioned.self)
            #expect(changed.adminUserId == tenant.adminUserId && changed.tracking?.status == "tracked")
            let admin = try await api.send(.get, "/v1/tenants/\(slug)/users/\(tenant.adminUserId!)").decode(TUser.self)
            #expect(admin.email == "ada@\(slug).example.com")
            let company = try await api.send(.get, "/v1/tenants/management/parties/\(tenant.tracking!.companyId!)?expand=tags")
            #expect(company.status == .ok && company.text.contains("PSA Customer") && company.text.contains(#""tenantSlug":"\#(slug)""#))

            let invalid = try await api.send(.post, "/v1/tenants", json: #"{"slug":"ok-slug","name":"N","admin":{"firstName":"","lastName":"L","email":"x"}}"#)
            #expect(Set(invalid.problem?.errors?.map(\.field) ?? []) == ["admin.firstName", "admin.email"])
            #expect(try await api.send(.post, "/v1/tenants", json: Self.body(slug)).status == .conflict)

            // Metrics: provisioning duration and tracking outcomes.
            let metrics = try await api.send(.get, "/metrics", token: nil).text
            #expect(metrics.contains("roster_provisioning_duration_seconds") && metrics.contains(#"roster_tracking_total{result="success"}"#))
            // Rollbacks are listed before the first one (at 0 in a process that had none).
            #expect(metrics.contains("roster_provisioning_rollbacks_total"), "\(metrics)")
        }
    }

    @Test func idempotencyKeysOverHTTP() async throws {
        try await withApp { api in
            let slug = Self.slug()
            let first = try await api.send(.post, "/v1/tenants", json: Self.body(slug), headers: [HTTPField.Name("Idempotency-Key")!: "k-\(slug)"])
            let again = try await api.send(.post, "/v1/tenants", json: Self.body(slug), headers: [HTTPField.Name("Idempotency-Key")!: "k-\(slug)"])
            #expect(first.status == .created && again.status == .created)
            #expect(try first.decode(TProvisioned.self).id == again.decode(TProvisioned.self).id)
            let other = try await api.send(.post, "/v1/tenants", json: Self.body(slug, name: "Other"), headers: [HTTPField.Name("Idempotency-Key")!: "k-\(slug)"])
            #expect(other.status == .unprocessableContent && other.problem?.errors?.map(\.field) == ["Idempotency-Key"])
        }
    }

    /// 50 concurrent requests, a third of them repeats of another's key: no duplicate tenant, company,
    /// contact or tag mapping.
    @Test func concurrentProvisioningMakesNoDuplicates() async throws {
        try await withApp { api in
            let slugs = (0..<34).map { _ in Self.slug() }
            let requests: [(String, String)] = (0..<50).map { index in
                let slug = slugs[index < 34 ? index : index - 34]
                return (slug, "key-\(slug)")
            }
            let statuses = try await withThrowingTaskGroup(of: (String, Int, String).self) { group in
                for (slug, key) in requests {
                    group.addTask {
                        let response = try await api.send(.post, "/v1/tenants", json: Self.body(slug, email: "shared-admin@example.com"),
                                                          headers: [HTTPField.Name("Idempotency-Key")!: key])
                        return (slug, Int(response.status.code), (try? response.decode(TProvisioned.self).id) ?? "")
                    }
                }
                return try await group.reduce(into: [(String, Int, String)]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.1 == 201 }, "\(statuses.filter { $0.1 != 201 })")
            #expect(Dictionary(grouping: statuses, by: \.0).values.allSatisfy { Set($0.map(\.2)).count == 1 })

            let companies = try await api.send(.get, "/v1/tenants/management/parties?role=customer&limit=200").decode(TList<TParty>.self)
            let tracked = companies.items.filter { party in slugs.contains { party.properties["tenantSlug"] == .string($0) } }
            #expect(tracked.count == slugs.count)
            // One person for the admin who administers all of them, employed by each company once.
            let contacts = try await api.send(.get, "/v1/tenants/management/parties/lookup?email=shared-admin%40example.com").decode(TParty.self)
            struct Edge: Codable { var parentId: String; var childId: String }
            let edges = try await api.send(.get, "/v1/tenants/management/relationships?partyId=\(contacts.id)&type=employment&limit=200")
                .decode(TList<Edge>.self)
            #expect(edges.items.count == slugs.count && Set(edges.items.map(\.parentId)).count == slugs.count)
            #expect(tracked.allSatisfy { $0.tags == ["PSA Customer"] })
        }
    }

    @Test func failuresRollBackOrDegrade() async throws {
        try await withApp(configure: { config in
            config.faults = try! FaultInjector(spec: "provision.activate:fail:1,tracking.contact:fail:1")
            config.trackingBackoffSeconds = 3600
        }) { api in
            let slug = Self.slug()
            let failed = try await api.send(.post, "/v1/tenants", json: Self.body(slug))
            #expect(failed.status == .serviceUnavailable && failed.problem?.detail?.contains("rolled back") == true, "\(failed.text)")
            let shown = try await api.send(.get, "/v1/tenants/\(slug)").decode(TProvisioned.self)
            #expect(shown.status == "failed" && shown.provisioningError?.contains("provision.activate") == true && shown.adminUserId == nil)
            #expect(try await api.send(.get, "/v1/tenants/\(slug)/users").decode(TList<TUser>.self).items.isEmpty)

            // Again: provisioning succeeds; the contact step fails once and waits for its retry.
            let retried = try await api.send(.post, "/v1/tenants", json: Self.body(slug))
            #expect(retried.status == .created, "\(retried.text)")
            let tenant = try retried.decode(TProvisioned.self)
            #expect(tenant.status == "active" && tenant.tracking?.status == "pending" && tenant.tracking?.attempts == 1)
            #expect(tenant.tracking?.companyId != nil && tenant.tracking?.contactId == nil && tenant.tracking?.lastError?.contains("tracking.contact") == true)
            let forced = try await api.send(.post, "/v1/tenants/\(slug)/tracking/retry")
            #expect(forced.status == .ok)
            let done = try forced.decode(TProvisioned.self)
            #expect(done.tracking?.status == "tracked" && done.tracking?.companyId == tenant.tracking?.companyId)
            #expect(try await api.send(.post, "/v1/tenants/no-such/tracking/retry").status == .notFound)
            // The management tenant is not tracked; its refusal says so (it sent operators to track-existing, which skips it).
            let management = try await api.send(.post, "/v1/tenants/management/tracking/retry")
            #expect(management.status == .conflict && management.problem?.detail?.contains("is the management tenant") == true, "\(management.text)")
            let metrics = try await api.send(.get, "/metrics", token: nil).text
            #expect(metrics.contains("roster_provisioning_rollbacks_total") && metrics.contains(#"roster_tracking_total{result="failure"}"#)
                    && metrics.contains(#"roster_tracking_total{result="retry"}"#))
        }
    }

    /// A rolled-back request answers 503 and says to send it again: with the same Idempotency-Key, that is a retry.
    @Test func aRolledBackRequestIsRetriedWithItsKey() async throws {
        try await withApp(configure: { config in config.faults = try! FaultInjector(spec: "provision.admin:fail:1") }) { api in
            let slug = Self.slug()
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "retry-\(slug)"]
            #expect(try await api.send(.post, "/v1/tenants", json: Self.body(slug), headers: key).status == .serviceUnavailable)
            let again = try await api.send(.post, "/v1/tenants", json: Self.body(slug), headers: key)
            #expect(again.status == .created && (try? again.decode(TProvisioned.self).status) == "active", "\(again.text)")
            let replayed = try await api.send(.post, "/v1/tenants", json: Self.body(slug), headers: key)
            let (first, second) = (try again.decode(TProvisioned.self).id, try replayed.decode(TProvisioned.self).id)
            #expect(replayed.status == .created && first == second)
        }
    }
}
