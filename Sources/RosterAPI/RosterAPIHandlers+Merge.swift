package import RosterOpenAPI
import Foundation
import OpenAPIRuntime
import RosterCore
import RosterStore
package import RosterService

// Merging duplicates and undoing a merge (issue 12, item 5).
extension RosterAPIHandlers {
    package func mergeParties(_ input: Operations.MergeParties.Input) async throws -> Operations.MergeParties.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        var errors = ValidationErrors()
        let from = body.from.enumerated().compactMap { index, raw in errors.check { Party.ID(try uuid(raw, field: "from[\(index)]")) } }
        try errors.throwIfAny()
        let result = try await services.parties.merge(tenant: input.path.tenant, into: try partyID(input.path.id), from: from,
                                                      dryRun: body.dryRun ?? false, context: context)
        return .ok(.init(body: .json(.init(result))))
    }

    package func undoMerge(_ input: Operations.UndoMerge.Input) async throws -> Operations.UndoMerge.Output {
        let context = try RequestInfo.context()
        guard let id = StoredMerge.ID(uuidString: input.path.mergeId) else {
            throw RosterError.notFound("no merge \(input.path.mergeId.prefix(40))")
        }
        let result = try await services.parties.undoMerge(tenant: input.path.tenant, id: id, context: context)
        return .ok(.init(body: .json(.init(result))))
    }
}

extension Components.Schemas.Merge {
    init(_ result: MergeResult) {
        self.init(
            id: result.id?.description, dryRun: result.dryRun, survivor: .init(result.survivor), merged: result.merged.map(\.description),
            moved: .init(relationships: result.moved.relationships, tags: result.moved.tags, consents: result.moved.consents,
                         partnerAccounts: result.moved.partnerAccounts, users: result.moved.users, properties: result.moved.properties),
            conflicts: result.conflicts.map { conflict in
                .init(kind: .init(rawValue: conflict.kind.rawValue)!, partyId: conflict.partyID.description,
                      relationshipId: conflict.relationshipID?.description, partnerAccountId: conflict.partnerAccountID?.description,
                      userId: conflict.userID?.description, field: conflict.field)
            },
            createdAt: result.createdAt, undoneAt: result.undoneAt)
    }
}
