package dev.railyard.host;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The host's packages form no cycles. */
class HostArchitectureTest {

    private static final JavaClasses HOST = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.railyard.host");

    @Test
    void hostPackagesHaveNoCycles() {
        slices().matching("dev.railyard.host.(*)..").should().beFreeOfCycles().check(HOST);
    }
}
