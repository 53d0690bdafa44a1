/// The notebook `folio new` writes: every part of the language once (front matter with a
/// param, prose with inline math and an inline value, an experiment with variants, a plot,
/// a table, a claim), on a generated data set, so that it builds in seconds with nothing to
/// download.
public enum NotebookTemplate {
    /// The notebook for experiment ID `id`, titled `title`.
    public static func text(title: String, id: String) -> String {
        template
            .replacingOccurrences(of: "%TITLE%", with: title.replacingOccurrences(of: "\"", with: "'"))
            .replacingOccurrences(of: "%ID%", with: id)
    }

    /// The notebook with `%TITLE%` and `%ID%` for the title and the experiment's ID.
    static let template = """
        ---
        title: %TITLE%
        author: Your name
        seed: 1
        params:
          epochs: 6
        defaults:
          dataset: spirals
          epochs: $epochs
          optimizer: adam
          learning_rate: 0.01
        ---

        This notebook trains a small network on three interleaved spirals (a generated data
        set, so nothing is downloaded), with and without batch normalization, and checks a
        claim about the result. Edit the prose and rebuild: nothing trains again. Change the
        experiment and only its runs train. `folio build %ID%.md --set epochs=2` runs a
        shorter version.

        ## The experiment

        Batch normalization standardizes each unit's input over the batch,
        $`\\hat{x} = (x - \\mu_B) / \\sqrt{\\sigma_B^2 + \\epsilon}`$, then scales and shifts it:

        ```math {#eq-bn}
        y = \\gamma \\hat{x} + \\beta
        ```

        ```{experiment} %ID%
        model: [dense 32, batchnorm, relu, dense 32, batchnorm, relu, dense 3]
        repeat: 2
        variants:
          with-bn: {}
          without-bn:
            model: [dense 32, relu, dense 32, relu, dense 3]
        ```

        ## Results

        ```{plot}
        runs: %ID%
        y: [val_accuracy, val_loss]
        panels: metric
        label: fig-curves
        caption: Validation accuracy and loss by epoch, mean and spread over two seeds.
        ```

        ```{table}
        runs: %ID%
        columns: [accuracy, val_accuracy, val_loss]
        label: tbl-final
        caption: Metrics after the last epoch.
        ```

        With batch normalization (@eq-bn) the network reached `{= %ID%/with-bn.val_accuracy | percent}`
        validation accuracy, without it `{= %ID%/without-bn.val_accuracy | percent}` (@fig-curves, @tbl-final).

        ```{expect}
        %ID%/with-bn.val_accuracy > 0.5
        ```

        """
}
