package dev.railyard.examples.slo;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** A plugin depends on the SPI (and the JDK) only, never on the host; its packages have no cycles. */
class SloSchedulerArchitectureTest {

    private static final JavaClasses PLUGIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.railyard.examples");

    @Test
    void pluginDependsOnTheSpiOnly() {
        noClasses().that().resideInAPackage("dev.railyard.examples..")
                .should().dependOnClassesThat().resideOutsideOfPackages("java..", "jdk.incubator.vector..", "dev.railyard.spi..",
                        "dev.railyard.examples..")
                .because("plugins compile against the SPI alone")
                .allowEmptyShould(true)
                .check(PLUGIN);
    }

    @Test
    void pluginNeverDependsOnTheHost() {
        noClasses().that().resideInAPackage("dev.railyard.examples..")
                .should().dependOnClassesThat().resideInAPackage("dev.railyard.host..")
                .allowEmptyShould(true)
                .check(PLUGIN);
    }

    @Test
    void pluginPackagesHaveNoCycles() {
        slices().matching("dev.railyard.examples.(*)..").should().beFreeOfCycles().allowEmptyShould(true).check(PLUGIN);
    }
}
