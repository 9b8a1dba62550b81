import GridwatchDomain
import Testing

/// `CaseContext` hashes its place and category only; equality still weighs everything.
@Suite("Case context hashing")
struct CaseContextHashTests {
    @Test("contexts that differ only in people or policies are different keys, and equal ones one key")
    func peopleAndPoliciesStillCount() {
        let context = Fixture.context()
        var otherStaff = context
        otherStaff.staff[.grid] = []
        var otherPolicies = context
        otherPolicies.policies = [:]
        var otherDepartments = context
        otherDepartments.departments = [:]
        let copy = Fixture.context()

        #expect(copy == context && copy.hashValue == context.hashValue)
        for changed in [otherStaff, otherPolicies, otherDepartments] {
            #expect(changed != context)
            #expect(changed.hashValue == context.hashValue)  // same place and category
        }
        let keys = Set([context, copy, otherStaff, otherPolicies, otherDepartments])
        #expect(keys.count == 4)
    }

    @Test("contexts of other places or categories hash apart")
    func placeAndCategoryHash() {
        let context = Fixture.context()
        let otherCategory = Fixture.context(category: "hotline.other-category")
        let otherBuilding = Fixture.context(building: nil)
        #expect(Set([context.hashValue, otherCategory.hashValue, otherBuilding.hashValue]).count == 3)
    }
}
