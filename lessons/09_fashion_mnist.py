# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 9 · FashionMNIST, end to end
#
# Time for a complete project. FashionMNIST has the shape of MNIST (70,000 grayscale images of
# 28 × 28 pixels, 10 classes) but shows clothes instead of digits: T-shirts, trousers, pullovers,
# dresses, coats, sandals, shirts, sneakers, bags and ankle boots. It is harder than MNIST: at this
# size a shirt and a T-shirt can look very much alike.
#
# We go through every step of a real project, in the order you would take them:
#
# 1. **settings** in one cell, so that a run is easy to repeat and to change;
# 2. **the data**: look at it, load it into memory, normalise it;
# 3. **a first model**, a multi-layer perceptron (MLP), with a training function and its curves;
# 4. **evaluation**: accuracy, a confusion matrix, accuracy per class, the mistakes themselves;
# 5. **your own classifier** under a time budget (the graded exercise);
# 6. **a convolutional network**, and how it compares.
#
# The whole notebook takes about a minute on an otherwise idle 2-core CPU, and much less on a GPU.
#
# **Objectives:** after this lesson you can carry a project from raw images to a tested classifier:
# settings, normalisation, a validation set, checkpoints, error analysis, and a convolutional
# network.
#
# **Time:** about 90 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 9 课 · FashionMNIST 完整项目
#
# 现在来做一个完整的项目。FashionMNIST 的格式和 MNIST 一样（70,000 张 28 × 28 像素的灰度图片，共 10 个类别），
# 只不过图片内容从数字换成了服饰：T恤/上衣、裤子、套头衫、连衣裙、外套、凉鞋、衬衫、运动鞋、包和短靴。
# 它比 MNIST 难：在这么小的尺寸下，衬衫和T恤/上衣可能长得非常像。
#
# 我们按照真实项目的顺序走完每一步：
#
# 1. **设置**：集中放在一个单元格里，方便重复运行，也方便修改；
# 2. **数据**：先看一看，再载入内存并做归一化；
# 3. **第一个模型**：多层感知机（MLP），配上训练函数和训练曲线；
# 4. **评估**：准确率、混淆矩阵、各类别的准确率，以及模型具体错在哪里；
# 5. **你自己的分类器**：在限定的时间预算内完成训练（本课的评分练习）；
# 6. **卷积网络**：看看它和 MLP 相比如何。
#
# 在没有其他任务的双核 CPU 上，整个笔记本大约一分钟就能跑完；在 GPU 上还要快得多。
#
# **学习目标：**学完本课，你将能够把一个项目从原始图片一路做到经过测试的分类器：设置、归一化、验证集、保存检查点、错误分析，以及卷积网络。
#
# **用时：**约 90 分钟（阅读、运行每个单元格、完成练习）。

# %% [markdown] lang="en"
# ## 1. Settings
#
# Every number that decides how a run goes lives here: the seed, the batch size, the epochs and
# peak learning rates of the two models, the label smoothing, the device, and the rules of the
# exercise (the epochs of the graded run and its time budget). To try something else, change a setting and run the
# notebook again from the top.
#
# We train on **one CPU thread**. On a busy machine, threads that wait for one another can slow
# training down many times over; one thread gives steady times, and it is how the exercise is
# timed. On your own computer you may raise `CPU_THREADS` (on a GPU it makes no difference).

# %% [markdown] lang="zh"
# ## 1. 设置
#
# 决定一次运行结果的所有数字都放在这里：随机种子、批量大小、两个模型的轮次和峰值学习率、标签平滑、设备，以及练习的规则
# （评分时训练的轮次和时间预算）。想换个做法，只要改一个设置，再从头把笔记本运行一遍即可。
#
# 我们只用**一个 CPU 线程**训练。在繁忙的机器上，多个线程互相等待，可能让训练慢上好几倍；单线程的耗时很稳定，
# 练习的计时也是按单线程进行的。在你自己的电脑上，可以调大 `CPU_THREADS`（用 GPU 时它不起作用）。

# %%
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torchvision import datasets, transforms

import helper

SEED = 0
BATCH_SIZE = 128
# [en] The two models of the lesson: epochs and peak learning rate.
# [zh] 本课的两个模型：训练轮次和峰值学习率。
MLP_EPOCHS, MLP_LR = 8, 3e-3
CNN_EPOCHS, CNN_LR = 4, 1e-2
LABEL_SMOOTHING = 0.1
# [en] The exercise: epochs of the graded run, and its time budget in seconds (one CPU thread).
# [zh] 练习：评分时训练的轮次，以及时间预算（秒，单个 CPU 线程）。
FIT_EPOCHS, FIT_BUDGET_S = 2, 30
CPU_THREADS = 1

device = helper.device()
torch.set_num_threads(CPU_THREADS)
generator = helper.seed_everything(SEED)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 2. The data
#
# ### Look first
#
# `datasets.FashionMNIST` gives the 60,000 training images and their labels. Before any modelling,
# look at them: here are the first four images of every class, one class per column, titled with
# the class names in the notebook's language (`classes="fashion"`).

# %% [markdown] lang="zh"
# ## 2. 数据
#
# ### 先看数据
#
# `datasets.FashionMNIST` 提供 60,000 张训练图片及其标签。动手建模之前，先看一看：下面是每个类别的前四张图片，
# 每一列是一个类别，标题是用本笔记本的语言显示的类别名称（`classes="fashion"`）。

# %%
train_set = datasets.FashionMNIST(helper.data_root(), train=True, download=False)
classes = helper.class_names("fashion")
print(helper.tr(en=f"{len(train_set)} training images; classes:", zh=f"{len(train_set)} 张训练图片；类别："), classes)

# [en] Row r, column c: the r-th image of class c.
# [zh] 第 r 行、第 c 列：类别 c 的第 r 张图片。
first_four = torch.stack([(train_set.targets == c).nonzero()[:4, 0] for c in range(10)], dim=1).flatten()
helper.show_batch(train_set.data[first_four], train_set.targets[first_four], classes="fashion",
                  ncols=10, max_images=40);

# %% [markdown] lang="en"
# **Think:** which classes do you expect a model to confuse? Look at the T-shirts, pullovers, coats
# and shirts.

# %% [markdown] lang="zh"
# **想一想：** 你觉得模型会把哪些类别搞混？仔细看看 T恤/上衣、套头衫、外套和衬衫这几列。

# %% [markdown] lang="en"
# ### Into memory, and normalised
#
# The usual torchvision pipeline would turn each image into a tensor, and normalise it, every time
# the image is used: `transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])`.
# That costs a conversion per image per epoch. The whole data set is only 47 million pixels, so we
# convert it **once**: `helper.load_tensors` returns all images as one float tensor of shape
# `(60000, 1, 28, 28)` with values in $[0, 1]$, and all labels as one tensor of shape `(60000,)`.
#
# **Normalisation.** Inputs centred around 0 with a spread of about 1 make training easier. We
# compute the mean and standard deviation of all training pixels and apply
# $x \mapsto (x - \text{mean}) / \text{std}$ to the training **and** the test images. The statistics
# come from the training set only: the test set stands for new data that we have not seen, so it
# must not influence any choice, not even this one.

# %% [markdown] lang="zh"
# ### 载入内存并归一化
#
# 常规的 torchvision 流程会在每次用到一张图片时，把它转换成张量再做归一化：
# `transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])`。
# 这样每个轮次的每张图片都要重新转换一次。整个数据集只有 4,700 万个像素，所以我们只转换**一次**：
# `helper.load_tensors` 把所有图片放进一个形状为 `(60000, 1, 28, 28)`、取值在 $[0, 1]$ 之间的浮点张量，
# 把所有标签放进一个形状为 `(60000,)` 的张量。
#
# **归一化。** 输入以 0 为中心、分布宽度在 1 左右时，训练会更容易。我们先算出全部训练像素的均值和标准差，
# 再对训练图片**和**测试图片都做变换 $x \mapsto (x - \text{mean}) / \text{std}$。这两个统计量只能来自训练集：
# 测试集代表我们从未见过的新数据，它不能影响任何决定，哪怕是这样一个决定。

# %%
train_images, train_labels = helper.load_tensors("FashionMNIST", train=True, device=device)
test_images, test_labels = helper.load_tensors("FashionMNIST", train=False, device=device)
mean, std = train_images.mean(), train_images.std()
train_images = (train_images - mean) / std
test_images = (test_images - mean) / std

print("train:", tuple(train_images.shape), train_images.dtype, " test:", tuple(test_images.shape))
print(f"mean {mean.item():.4f}, std {std.item():.4f}  → ", helper.tr(en="now", zh="归一化之后"),
      f"mean {train_images.mean().item():.3f}, std {train_images.std().item():.3f}")
print(helper.tr(en="training images per class:", zh="每个类别的训练图片数："), torch.bincount(train_labels).tolist())

# %% [markdown] lang="en"
# Every class has exactly 6,000 training images (and 1,000 test images), so accuracy is a fair
# summary here: no class dominates.
#
# The transforms pipeline computes exactly the same tensors, one image at a time. Check it on the
# first training image:

# %% [markdown] lang="zh"
# 每个类别恰好有 6,000 张训练图片（以及 1,000 张测试图片），所以在这里用准确率来概括结果是公平的：没有哪个类别占多数。
#
# transforms 流程算出的是完全相同的张量，只不过一次处理一张图片。用第一张训练图片验证一下：

# %%
pipeline = transforms.Compose([transforms.ToTensor(), transforms.Normalize((mean.item(),), (std.item(),))])
image, label = datasets.FashionMNIST(helper.data_root(), train=True, download=False, transform=pipeline)[0]
print(tuple(image.shape), classes[label], helper.tr(en="same as ours:", zh="与我们的相同："),
      torch.allclose(image, train_images[0].cpu(), atol=1e-5))

# %% [markdown] lang="en"
# **A validation set.** As in lesson 6, we cut 5,000 images off the training images, with a seeded
# generator so that the cut is the same in every run, and train on the other 55,000. Everything we
# decide in this notebook (which epoch's weights to keep, which model is better, what to try next)
# is decided on the validation set; the test set is used once per model, at the end, to report how
# well the finished model does. (The mean and standard deviation above were computed before the cut;
# two numbers over 47 million pixels hardly depend on which 5,000 images are in the validation set.)
#
# Last, the loader: shuffled batches of `BATCH_SIZE` images with a seeded generator, as in
# lesson 8, fetched a whole batch at a time with `helper.tensor_loader` (lesson 6 shows how it works
# and why it is faster). The validation and test sets need no loader: we evaluate them in large slices.

# %% [markdown] lang="zh"
# **验证集。** 和第 6 课一样，我们从训练图片中分出 5,000 张作为验证集，分的时候用设了种子的生成器，
# 每次运行分法都相同；模型只在其余 55,000 张图片上训练。这个笔记本里的每个决定（保留哪个轮次的权重、哪个模型更好、
# 下一步尝试什么）都在验证集上做出；测试集对每个模型只在最后用一次，用来报告完成的模型表现如何。
# （上面的均值和标准差是在划分之前算的；对 4,700 万个像素求出的这两个数，几乎不受验证集里是哪 5,000 张图片的影响。）
#
# 最后是 loader：和第 8 课一样，用设好种子的生成器，把数据打乱后按每批 `BATCH_SIZE` 张图片分发；
# 这里用 `helper.tensor_loader` 一次取出一整批（第 6 课讲过它的原理，以及为什么更快）。
# 验证集和测试集不需要 loader：评估时我们按大块切片来处理它们。

# %%
order = torch.randperm(len(train_images), generator=torch.Generator().manual_seed(SEED)).to(device)
val_images, val_labels = train_images[order[:5000]], train_labels[order[:5000]]
train_images, train_labels = train_images[order[5000:]], train_labels[order[5000:]]
print(helper.tr(en="train:", zh="训练集："), len(train_images), helper.tr(en=" validation:", zh=" 验证集："), len(val_images),
      helper.tr(en=" test:", zh=" 测试集："), len(test_images))

train_loader = helper.tensor_loader(train_images, train_labels, BATCH_SIZE, shuffle=True, generator=generator)
print(helper.tr(en=f"{len(train_loader)} batches per epoch", zh=f"每个轮次 {len(train_loader)} 个批次"))

# %% [markdown] lang="en"
# ## 3. A first model: a multi-layer perceptron
#
# The MLP flattens each image into 784 numbers and passes them through two hidden layers with ReLU:
#
# `(N, 1, 28, 28)` → Flatten → `(N, 784)` → Linear → `(N, 256)` → ReLU → Linear → `(N, 128)` → ReLU →
# Linear → `(N, 10)` logits.
#
# It has $784 \cdot 256 + 256 + 256 \cdot 128 + 128 + 128 \cdot 10 + 10 = 235{,}146$ parameters,
# 85% of them in the first layer.

# %% [markdown] lang="zh"
# ## 3. 第一个模型：多层感知机
#
# MLP 把每张图片展平成 784 个数，再送进两个使用 ReLU 的隐藏层：
#
# `(N, 1, 28, 28)` → Flatten → `(N, 784)` → Linear → `(N, 256)` → ReLU → Linear → `(N, 128)` → ReLU →
# Linear → `(N, 10)` 的 logits。
#
# 它共有 $784 \cdot 256 + 256 + 256 \cdot 128 + 128 + 128 \cdot 10 + 10 = 235{,}146$ 个参数，
# 其中 85% 在第一层。

# %%
def make_mlp():
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(28 * 28, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )


torch.manual_seed(SEED)
mlp = make_mlp().to(device)
print(mlp)
print(helper.tr(en=f"{sum(p.numel() for p in mlp.parameters()):,} parameters",
               zh=f"共 {sum(p.numel() for p in mlp.parameters()):,} 个参数"))

# %% [markdown] lang="en"
# ## 4. Training and evaluation
#
# Two functions do the work for both models of this lesson.
#
# `evaluate` measures the loss and the accuracy on a whole data set, in `eval()` mode and under
# `torch.no_grad()`: no graph is recorded, and layers such as batch normalisation behave as at
# test time. It goes through the data in slices of 1,000 images to keep memory small.
#
# `train` is the training loop of lesson 8, with three additions:
#
# * **AdamW**: for every parameter, Adam keeps two running averages: of its gradient $g$ (the
#   *first moment* $m$, momentum as in lesson 7, $m \leftarrow \beta_1 m + (1 - \beta_1) g$ with
#   $\beta_1 = 0.9$) and of its squared gradient (the *second moment* $v$,
#   $v \leftarrow \beta_2 v + (1 - \beta_2) g^2$ with $\beta_2 = 0.999$). Both start at 0 and so
#   are too small in the first steps; **bias correction** divides them by $1 - \beta_1^t$ and
#   $1 - \beta_2^t$ at step $t$, giving $\hat m$ and $\hat v$. The step is
#   $\text{lr} \cdot \hat m / (\sqrt{\hat v} + \varepsilon)$: about `lr` in size whatever the scale of
#   the gradient, so every parameter moves at a sensible pace. The W is **decoupled weight decay**:
#   each step also shrinks every weight directly, $w \leftarrow w - \text{lr}\cdot\lambda\, w$
#   ($\lambda$ = `weight_decay`, 0.01 by default), apart from the gradient. (Adam's own
#   `weight_decay` adds $\lambda w$ to the gradient instead, where the division by $\sqrt{\hat v}$
#   weakens it for exactly the weights with large gradients.) It is a good default optimizer;
# * **a one-cycle learning-rate schedule** (`OneCycleLR`): the learning rate rises to its peak over
#   the first 30% of the steps, then falls smoothly to almost zero. Large steps early explore;
#   small steps at the end settle into a minimum. With few epochs this helps a lot. The scheduler
#   takes one step per batch, right after the optimizer;
# * **label smoothing**: instead of asking for probability 1 on the true class, the loss asks for
#   $0.9 + 0.1/10 = 0.91$ on it and $0.01$ on each other class. The model is discouraged from
#   becoming over-confident, which usually buys a few tenths of a percent of test accuracy. (The
#   losses we *report* are the plain cross-entropy, so that training and test can be compared.)
#
# After every epoch `train` records four numbers: the training loss and accuracy (averaged over the
# epoch's batches, while the model was still changing) and the validation loss and accuracy
# (measured with `evaluate` at the end of the epoch). When the validation accuracy is the best so
# far, it **saves the model's weights**: `model.state_dict()` is a dictionary of every parameter and
# buffer (BatchNorm's running statistics too), and `torch.save` writes it to a file. At the end it
# loads the best weights back with `model.load_state_dict(torch.load(path))`, so the model we test
# is the best one on validation, not simply the last one. `helper.progress` shows a progress bar
# over the epochs.

# %% [markdown] lang="zh"
# ## 4. 训练与评估
#
# 本课的两个模型都用下面两个函数来完成训练和评估。
#
# `evaluate` 在 `eval()` 模式下、在 `torch.no_grad()` 中计算整个数据集上的损失和准确率：不记录计算图，
# 批量归一化这样的层也按测试时的方式工作。它每次处理 1,000 张图片，以节省内存。
#
# `train` 就是第 8 课的训练循环，另外加了三样东西：
#
# * **AdamW**：Adam 为每个参数维护两个滑动平均：梯度 $g$ 的滑动平均（*一阶矩* $m$，即第 7 课的动量，
#   $m \leftarrow \beta_1 m + (1 - \beta_1) g$，$\beta_1 = 0.9$），以及梯度平方的滑动平均（*二阶矩* $v$，
#   $v \leftarrow \beta_2 v + (1 - \beta_2) g^2$，$\beta_2 = 0.999$）。两者都从 0 开始，所以最初几步会偏小；
#   **偏差校正**在第 $t$ 步把它们分别除以 $1 - \beta_1^t$ 和 $1 - \beta_2^t$，得到 $\hat m$ 和 $\hat v$。
#   每一步的更新量是 $\text{lr} \cdot \hat m / (\sqrt{\hat v} + \varepsilon)$：不论梯度的尺度如何，步长都在 `lr` 左右，
#   每个参数都以合适的速度移动。名字里的 W 指**解耦的权重衰减**：每一步还把每个权重直接缩小一点，
#   $w \leftarrow w - \text{lr}\cdot\lambda\, w$（$\lambda$ 即 `weight_decay`，默认 0.01），与梯度分开进行。
#   （Adam 自带的 `weight_decay` 则是把 $\lambda w$ 加到梯度上，再一起除以 $\sqrt{\hat v}$，恰恰削弱了梯度大的那些权重上的衰减。）
#   它是一个很好的默认优化器；
# * **单周期（one-cycle）学习率调度**（`OneCycleLR`）：在前 30% 的步数里，学习率逐渐升到峰值，然后平滑地降到接近零。
#   前期步子大，便于探索；后期步子小，便于稳稳落入极小值。轮次很少时，它的帮助很大。调度器每个批次走一步，
#   紧跟在优化器之后；
# * **标签平滑**（label smoothing）：损失函数不再要求真实类别的概率为 1，而是要求它为 $0.9 + 0.1/10 = 0.91$，
#   其余每个类别为 $0.01$。这样可以防止模型变得过于自信，通常能让测试准确率提高零点几个百分点。
#   （我们**记录**的损失是普通的交叉熵，这样训练损失和测试损失才能相互比较。）
#
# 每个轮次结束后，`train` 记录四个数：训练损失和训练准确率（在这个轮次的各个批次上取平均，当时模型还在不断变化），
# 以及验证损失和验证准确率（在轮次结束时用 `evaluate` 测得）。每当验证准确率创下新高，它就**保存模型的权重**：
# `model.state_dict()` 是一个字典，包含所有参数和缓冲区（也包括 BatchNorm 的滑动统计量），`torch.save` 把它写进文件。
# 训练结束时，再用 `model.load_state_dict(torch.load(path))` 把最好的权重载回来；这样我们测试的是验证集上最好的模型，
# 而不只是最后一个轮次的模型。`helper.progress` 会显示轮次的进度条。

# %%
def evaluate(model, images, labels, chunk=1000):
    # [en] Mean loss and accuracy of `model` on (images, labels), in eval mode, without a graph.
    # [zh] `model` 在 (images, labels) 上的平均损失和准确率：评估模式，不记录计算图。
    model.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for first in range(0, len(images), chunk):
            logits = model(images[first:first + chunk])
            target = labels[first:first + chunk]
            total_loss += F.cross_entropy(logits, target, reduction="sum").item()
            correct += (logits.argmax(dim=1) == target).sum().item()
    return total_loss / len(images), correct / len(images)


def predict(model, images, chunk=1000):
    # [en] The predicted class of every image, on the CPU.
    # [zh] 每张图片的预测类别，放在 CPU 上。
    model.eval()
    with torch.no_grad():
        return torch.cat([model(images[i:i + chunk]).argmax(dim=1).cpu() for i in range(0, len(images), chunk)])


CHECKPOINTS = Path(tempfile.mkdtemp(prefix="fashion_mnist_"))


def train(model, epochs, lr, name):
    # [en] Train `model` on train_loader with AdamW and a one-cycle schedule; return the history per epoch.
    # [en] The weights of the epoch with the best validation accuracy are saved to CHECKPOINTS/<name>.pt
    # [en] and loaded back into `model` at the end.
    # [zh] 用 AdamW 和单周期学习率调度在 train_loader 上训练 `model`，返回每个轮次的记录。
    # [zh] 验证准确率最高的那个轮次的权重保存在 CHECKPOINTS/<name>.pt 中，
    # [zh] 训练结束时再载回 `model`。
    # [en] The same shuffling for every model, whatever ran before.
    # [zh] 无论之前运行过什么，每个模型都使用同样的打乱顺序。
    generator.manual_seed(SEED)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * len(train_loader))
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    checkpoint, best_accuracy, best_epoch = CHECKPOINTS / f"{name}.pt", -1.0, 0
    start = time.perf_counter()
    for epoch in helper.progress(range(epochs), desc="epochs"):
        model.train()
        total_loss, correct = 0.0, 0
        for xb, yb in train_loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb, label_smoothing=LABEL_SMOOTHING)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total_loss += F.cross_entropy(logits.detach(), yb, reduction="sum").item()
            correct += (logits.argmax(dim=1) == yb).sum().item()
        val_loss, val_acc = evaluate(model, val_images, val_labels)
        history["train_loss"].append(total_loss / len(train_images))
        history["train_acc"].append(correct / len(train_images))
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        if val_acc > best_accuracy:
            best_accuracy, best_epoch = val_acc, epoch + 1
            torch.save(model.state_dict(), checkpoint)
    seconds = time.perf_counter() - start
    model.load_state_dict(torch.load(checkpoint, weights_only=True))
    print(helper.tr(en=f"{epochs} epochs in {seconds:.1f} s ({seconds / epochs:.1f} s per epoch); best validation accuracy "
                       f"{best_accuracy:.2%} after epoch {best_epoch}, loaded back from {checkpoint.name}",
                    zh=f"{epochs} 个轮次用时 {seconds:.1f} s（每个轮次 {seconds / epochs:.1f} s）；最高验证准确率 "
                       f"{best_accuracy:.2%}，在第 {best_epoch} 个轮次之后，已从 {checkpoint.name} 载回"))
    return history


# %% [markdown] lang="en"
# Before training, the MLP should be at chance level, about 10%: one class in ten.

# %% [markdown] lang="zh"
# 训练之前，MLP 的准确率应该在随机猜测的水平，约为 10%：十个类别里猜中一个。

# %%
print(helper.tr(en="before training: loss {:.3f}, accuracy {:.1%}", zh="训练之前：损失 {:.3f}，准确率 {:.1%}").format(
    *evaluate(mlp, val_images, val_labels)))
mlp_history = train(mlp, MLP_EPOCHS, MLP_LR, "mlp")
helper.plot_history(mlp_history);

# %% [markdown] lang="en"
# The training curves keep improving until the end, because the schedule lowers the learning rate;
# the validation accuracy levels off near 89–90%. The gap between the training and the validation
# curves is the beginning of **overfitting**: the model fits its training images better than new ones.
#
# Training is over and the best weights are loaded, so the MLP meets the test set, once. The cell
# guards the result: if a change makes the MLP worse than 89% on the 10,000 test images, it fails.

# %% [markdown] lang="zh"
# 由于学习率在逐渐降低，训练曲线直到最后都在改善；验证准确率则稳定在 89% 到 90% 附近。训练曲线和验证曲线之间的差距，
# 就是**过拟合**的苗头：模型对训练图片的拟合比对新图片更好。
#
# 训练已经结束，最好的权重也已载回，现在让 MLP 在测试集上考一次，只考这一次。下面的单元格同时守住这个结果：
# 如果某个改动让 MLP 在 10,000 张测试图片上的准确率低于 89%，它就会报错。

# %%
mlp_accuracy = evaluate(mlp, test_images, test_labels)[1]
print(helper.tr(en="MLP test accuracy:", zh="MLP 的测试准确率："), f"{mlp_accuracy:.2%}")
assert mlp_accuracy >= 0.89, f"the MLP should reach 89% test accuracy, got {mlp_accuracy:.2%}"

# %% [markdown] lang="en"
# ## 5. Where does the model go wrong?
#
# One number hides a lot. The **confusion matrix** counts, for every true class (row), how often
# each class was predicted (column): the diagonal holds the correct answers, everything off the
# diagonal is a mistake, and the large off-diagonal cells show which classes get mixed up.
#
# We look at the mistakes on the **validation** set: what we learn here decides what we try next
# (a convolutional network, in section 7), and decisions are made on validation.

# %% [markdown] lang="zh"
# ## 5. 模型错在哪里？
#
# 一个数字会掩盖很多信息。**混淆矩阵**统计的是：对每个真实类别（行），各个类别分别被预测了多少次（列）。
# 对角线上是预测正确的数量，对角线以外都是错误，其中数值较大的格子说明哪些类别容易被混淆。
#
# 我们在**验证集**上看这些错误：从这里得到的认识会决定下一步尝试什么（第 7 节的卷积网络），而做决定用的是验证集。

# %%
mlp_predictions = predict(mlp, val_images)
targets = val_labels.cpu()
helper.plot_confusion_matrix(targets, mlp_predictions, classes="fashion");

# %% [markdown] lang="en"
# Accuracy per class is the diagonal divided by the row sums (about 500 validation images per class):

# %% [markdown] lang="zh"
# 各类别的准确率，就是对角线上的数除以所在行的总数（每个类别约有 500 张验证图片）：

# %%
def per_class_accuracy(predictions):
    counts = helper.confusion_matrix(targets, predictions, num_classes=10)
    return counts.diag() / counts.sum(dim=1)


mlp_per_class = per_class_accuracy(mlp_predictions)
for name, accuracy in zip(classes, mlp_per_class.tolist()):
    print(f"{accuracy:6.1%}  {name}")

# %% [markdown] lang="en"
# Trousers, bags, sandals and sneakers are almost always right; shirts are the weak spot, mostly
# taken for T-shirts/tops, pullovers and coats. Here are the mistakes of the most confused pair of
# classes, the largest cell off the diagonal, titled *prediction (true class)*:

# %% [markdown] lang="zh"
# 裤子、包、凉鞋和运动鞋几乎总能认对；衬衫是最大的短板，经常被认成T恤/上衣、套头衫或外套。
# 下面是最容易混淆的那一对类别（对角线以外最大的格子）中认错的图片，标题是“预测（真实类别）”：

# %%
mistakes = (mlp_predictions != targets).nonzero()[:, 0]
print(helper.tr(en=f"{len(mistakes)} mistakes out of {len(targets)} validation images",
               zh=f"{len(targets)} 张验证图片中认错了 {len(mistakes)} 张"))
# [en] The largest count off the diagonal: true class `true`, predicted as `predicted`.
# [zh] 对角线以外最大的计数：真实类别 `true` 被预测成了 `predicted`。
counts = helper.confusion_matrix(targets, mlp_predictions, num_classes=10).fill_diagonal_(0)
true, predicted = divmod(counts.argmax().item(), 10)
print(f"{classes[true]} → {classes[predicted]}: {counts[true, predicted].item()}")
shown = ((targets == true) & (mlp_predictions == predicted)).nonzero()[:24, 0]
helper.show_batch(val_images[shown.to(device)], targets[shown], classes="fashion",
                  predictions=mlp_predictions[shown]);

# %% [markdown] lang="en"
# **Think:** would you have got all of these right yourself? Some labels are debatable at 28 × 28
# pixels, which puts a ceiling on any model's accuracy.

# %% [markdown] lang="zh"
# **想一想：** 这些图片你自己都能认对吗？在 28 × 28 像素下，有些标签本身就有争议，这也给任何模型的准确率设了上限。

# %% [markdown] lang="en"
# ## 6. Exercise (5 points): a classifier within a time budget
#
# Now build and train a classifier of your own. Write two functions:
#
# * `build_model()` returns a **new, untrained** `nn.Module` that maps a batch of normalised images
#   of shape `(N, 1, 28, 28)` to logits of shape `(N, 10)`. Any architecture is allowed: an MLP like
#   the one above, a small convolutional network, something else.
# * `fit(model, train_loader, epochs)` trains that model in place. `train_loader` yields shuffled
#   batches `(xb, yb)` of 128 normalised training images, already on the model's device; go over it
#   exactly once per epoch, `epochs` times. Choose the optimizer, learning rate and schedule
#   yourself, inside `fit`. Return nothing (or a history, if you like; it is ignored).
#
# **How it is graded.** The grader seeds PyTorch, builds a fresh model with `build_model()`, checks
# that it is untrained (about 10% accuracy), then calls `fit` on all 60,000 training images with
# `epochs = FIT_EPOCHS` = 2, timing it on **one CPU thread**, and finally measures the accuracy on
# the 10,000 test images itself. You get the points if
#
# * the test accuracy is at least **85%**, and
# * the training takes at most **`FIT_BUDGET_S` = 30 seconds** on one thread of a laptop CPU. To be
#   fair to slower machines the grader allows twice that, 60 s, and stops a run that is clearly
#   heading past it. The operating system also counts the CPU time of the whole graded run, every
#   thread and process included, and stops it at 80 s: the 60 s plus 20 s to load the data and to
#   build and test the model.
#
# The check below runs the grader's own test **on this machine**: the same seed, the same 2 epochs on
# all 60,000 training images, the same limits, the same 85% on the 10,000 test images. It takes as
# long as your training does (about 5 s for the MLP above on one thread of a recent laptop CPU), and
# it says what it measured. What it cannot settle here it says in plain words instead of "all checks
# passed": a training time over the 30 s budget (the grader times the run on its own machine), or an
# accuracy within half a point of 85%.

# %% [markdown] lang="zh"
# ## 6. 练习（5 分）：在时间预算内训练一个分类器
#
# 现在来构建并训练你自己的分类器。请写两个函数：
#
# * `build_model()` 返回一个**新的、未经训练的** `nn.Module`，把形状为 `(N, 1, 28, 28)` 的一批量归一化图片映射为
#   形状为 `(N, 10)` 的 logits。结构不限：可以是上面那样的 MLP、小型卷积网络，或者别的网络。
# * `fit(model, train_loader, epochs)` 原地训练这个模型。`train_loader` 给出打乱顺序的批次 `(xb, yb)`，
#   每批 128 张归一化后的训练图片，已经放在模型所在的设备上；每个轮次恰好遍历它一遍，共 `epochs` 个轮次。
#   优化器、学习率和学习率调度由你在 `fit` 内部自行选择。函数不需要返回值（想返回训练历史也可以，它会被忽略）。
#
# **评分方式。** 评分程序先设定 PyTorch 的随机种子，用 `build_model()` 新建一个模型，检查它确实没有训练过
# （准确率约 10%），然后在全部 60,000 张训练图片上调用 `fit`，`epochs = FIT_EPOCHS` = 2，并在**单个 CPU 线程**上计时，
# 最后自己在 10,000 张测试图片上测量准确率。满足下面两个条件即可得分：
#
# * 测试准确率至少为 **85%**；
# * 在笔记本电脑 CPU 的单个线程上，训练用时不超过 **`FIT_BUDGET_S` = 30 秒**。为了对较慢的机器公平，
#   评分程序允许两倍的时间，即 60 秒；如果一次训练明显会超时，它会提前中止。此外，操作系统会统计整个评分运行
#   （包括所有线程和进程）占用的 CPU 时间，到 80 秒即终止：60 秒用于训练，另外 20 秒用于加载数据、构建和测试模型。
#
# 下面的检查会**在这台机器上**运行评分程序自己的测试：同样的随机种子，同样在全部 60,000 张训练图片上训练 2 个轮次，
# 同样的时间限制，同样要求在 10,000 张测试图片上达到 85%。它用的时间和你的训练一样长（上面的 MLP 在较新的笔记本电脑
# CPU 上单线程约需 5 秒），并会告诉你它测到了什么。在这里无法确认的事情，它会直接说明，而不是显示“全部检查通过”：
# 训练时间超过 30 秒的预算（评分程序在它自己的机器上计时），或者准确率比 85% 高出不到半个百分点。

# %% solution="fashion_classifier"
def build_model():
    """A new, untrained network: (N, 1, 28, 28) normalised images → (N, 10) logits."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(28 * 28, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )
    ### END SOLUTION


def fit(model, train_loader, epochs):
    """Train `model` in place: `epochs` passes over `train_loader`."""
    ### BEGIN SOLUTION
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=epochs * len(train_loader))
    model.train()
    for epoch in range(epochs):
        for xb, yb in train_loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
    ### END SOLUTION


# %% tests="test_fashion_classifier" points=5
from autograder import check

check("fashion_classifier", build_model, fit)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("fashion_classifier", build_model, fit)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 7. A convolutional network
#
# The MLP sees an image as 784 unrelated numbers: shift a sneaker by two pixels and, for the MLP, it
# is a different input altogether. A **convolutional** network slides the same small filters over
# every position, so it recognises an edge or a texture wherever it appears. Ours is small, so that
# it trains quickly on a CPU:
#
# | layer | output shape |
# |---|---|
# | input | `(N, 1, 28, 28)` |
# | `Conv2d(1, 16, 3, stride=2, padding=1)` → `BatchNorm2d` → ReLU | `(N, 16, 14, 14)` |
# | `Conv2d(16, 32, 3, stride=2, padding=1)` → `BatchNorm2d` → ReLU | `(N, 32, 7, 7)` |
# | `Flatten` → `Linear(1568, 128)` → ReLU | `(N, 128)` |
# | `Linear(128, 10)` | `(N, 10)` |
#
# Three choices make it fast and easy to train:
#
# * **strided convolutions instead of pooling**: with `stride=2` a convolution computes its output
#   only at every other pixel, so each one halves the height and width (output size
#   $\lfloor (28 + 2 - 3) / 2 \rfloor + 1 = 14$, then $\lfloor (14 + 2 - 3) / 2 \rfloor + 1 = 7$)
#   at a quarter of the cost of the same convolution followed by a 2 × 2 pooling;
# * **batch normalisation** after each convolution keeps the activations of every channel well
#   scaled during training, which allows a high learning rate;
# * the **`channels_last`** memory format, in which the channels of each pixel lie next to each
#   other: CPU convolution kernels are often faster with it. It changes how the tensors are stored,
#   not what the network computes.

# %% [markdown] lang="zh"
# ## 7. 卷积网络
#
# MLP 把图片看成 784 个互不相关的数：把一只运动鞋平移两个像素，对 MLP 来说就成了一个完全不同的输入。
# **卷积**网络则让同一组小滤波器滑过图片的每个位置，所以无论边缘或纹理出现在哪里，它都能认出来。
# 我们的卷积网络很小，以便在 CPU 上也能快速训练：
#
# | 层 | 输出形状 |
# |---|---|
# | 输入 | `(N, 1, 28, 28)` |
# | `Conv2d(1, 16, 3, stride=2, padding=1)` → `BatchNorm2d` → ReLU | `(N, 16, 14, 14)` |
# | `Conv2d(16, 32, 3, stride=2, padding=1)` → `BatchNorm2d` → ReLU | `(N, 32, 7, 7)` |
# | `Flatten` → `Linear(1568, 128)` → ReLU | `(N, 128)` |
# | `Linear(128, 10)` | `(N, 10)` |
#
# 有三个选择让它训练得又快又顺利：
#
# * **用步幅卷积代替池化**：设置 `stride=2` 后，卷积只在每隔一个像素的位置上计算输出，所以每经过一层，高和宽都减半
#   （输出尺寸为 $\lfloor (28 + 2 - 3) / 2 \rfloor + 1 = 14$，然后是 $\lfloor (14 + 2 - 3) / 2 \rfloor + 1 = 7$），
#   计算量只有“同样的卷积再接 2 × 2 池化”的四分之一；
# * 每个卷积层后面的**批量归一化**让训练过程中每个通道的激活值都保持合适的尺度，因此可以使用较大的学习率；
# * **`channels_last`** 内存格式把每个像素的各个通道挨着存放，CPU 上的卷积运算在这种格式下往往更快。
#   它只改变张量的存放方式，不改变网络的计算结果。

# %%
def make_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(32 * 7 * 7, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )


torch.manual_seed(SEED)
cnn = make_cnn().to(device, memory_format=torch.channels_last)
n_parameters, n_convolution = sum(p.numel() for p in cnn.parameters()), sum(p.numel() for p in cnn[:6].parameters())
print(helper.tr(en=f"{n_parameters:,} parameters, {n_convolution:,} of them in the convolution part",
               zh=f"共 {n_parameters:,} 个参数，其中 {n_convolution:,} 个在卷积部分"))
# [en] eval() and no_grad(): looking at shapes must not update BatchNorm's running statistics.
# [zh] eval() 和 no_grad()：只是看看形状，不能改动 BatchNorm 的滑动统计量。
cnn.eval()
x = train_images[:2]
with torch.no_grad():
    for layer in cnn:
        x = layer(x)
        print(f"{type(layer).__name__:12s} {tuple(x.shape)}")

# %% [markdown] lang="en"
# The two convolutions have fewer than 5,000 parameters between them; most of the network's
# parameters sit in the first `Linear` layer, as in the MLP. Train it with the same function:

# %% [markdown] lang="zh"
# 两个卷积层加起来还不到 5,000 个参数；和 MLP 一样，网络的大部分参数都在第一个 `Linear` 层里。用同一个函数来训练它：

# %%
cnn_history = train(cnn, CNN_EPOCHS, CNN_LR, "cnn")
helper.plot_history(cnn_history);

cnn_accuracy = evaluate(cnn, test_images, test_labels)[1]
print(helper.tr(en="CNN test accuracy:", zh="CNN 的测试准确率："), f"{cnn_accuracy:.2%} (MLP: {mlp_accuracy:.2%})")
assert cnn_accuracy >= 0.91, f"the CNN should reach 91% test accuracy, got {cnn_accuracy:.2%}"

# %% [markdown] lang="en"
# In half the epochs, with slightly fewer parameters, the CNN beats the MLP. Where did it gain?
# Compare the accuracy per class:

# %% [markdown] lang="zh"
# 轮次只有一半，参数也略少，卷积网络却胜过了 MLP。它是在哪些类别上进步的？比较一下各类别的准确率：

# %%
cnn_predictions = predict(cnn, val_images)
cnn_per_class = per_class_accuracy(cnn_predictions)
print("   MLP     CNN")
for name, a, b in zip(classes, mlp_per_class.tolist(), cnn_per_class.tolist()):
    print(f"{a:6.1%}  {b:6.1%}  {name}")
helper.plot_confusion_matrix(targets, cnn_predictions, classes="fashion");

# %% [markdown] lang="en"
# ## Summary
#
# * Keep every setting in one cell; load the data once as tensors and normalise it with statistics
#   of the training set only.
# * Cut a validation set off the training data: every decision (which epoch's weights, which model,
#   what next) is made on it; each model meets the test set once.
# * AdamW (moments with bias correction, decoupled weight decay), a one-cycle schedule and label
#   smoothing train quickly; save the best weights with `state_dict()` and `torch.save`, and load
#   them back before testing.
# * The confusion matrix and the mistakes show *where* a model fails (shirts); a small CNN with
#   BatchNorm beats the MLP. Look at shapes in `eval()` mode under `no_grad()`, so that BatchNorm's
#   statistics stay untouched.

# %% [markdown] lang="zh"
# ## 小结
#
# * 把所有设置放在一个单元格里；数据只载入一次、保存为张量，并且只用训练集的统计量做归一化。
# * 从训练数据中分出验证集：每个决定（保留哪个轮次的权重、选哪个模型、下一步做什么）都在验证集上做出；每个模型只在测试集上考一次。
# * AdamW（带偏差校正的一阶矩和二阶矩、解耦的权重衰减）、单周期学习率调度和标签平滑让训练又快又好；用 `state_dict()` 和 `torch.save` 保存最好的权重，测试之前再载回来。
# * 混淆矩阵和认错的图片告诉我们模型*在哪里*出错（衬衫）；一个带批量归一化的小卷积网络胜过多层感知机。看形状时要用 `eval()` 模式并放在 `no_grad()` 里，这样 BatchNorm 的统计量才不会被改动。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. The model learned its weights on inputs transformed with the training statistics, so every
#    input must get exactly that transform. Statistics of the data you predict on would make a
#    prediction depend on what else is in the batch (a single image, or a batch of only dark images,
#    would be shifted and scaled differently), and computed on the test set they would leak test
#    information into the model's pipeline.
# 2. Usually an underestimate: it averages over the whole epoch, including the early batches when
#    the model was worse, and it is measured while the weights are still changing. At the end of the
#    epoch the model does better on the training set.
# 3. Look at the data first: many shirt mistakes are debatable even for a person at 28 × 28 pixels,
#    so more epochs or a bigger MLP help little. A convolutional network, which sees local patterns
#    such as collars and buttons, helps most (section 7); small random shifts of the training images
#    (data augmentation) are the next thing to try. Whatever you try, compare it on the validation
#    set.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. 模型的权重是在用训练集统计量变换过的输入上学出来的，所以每个输入都必须做完全相同的变换。如果用待预测数据的统计量，预测结果就会取决于同一批里还有什么（一张单独的图片、或者一批全是深色的图片，会被平移和缩放得不一样）；如果在测试集上计算，则会把测试集的信息泄漏进模型的处理流程。
# 2. 通常是低估：它在整个轮次上取平均，包括模型还比较差的早期批次，而且是在权重不断变化时测的。轮次结束时，模型在训练集上的表现会更好。
# 3. 先看数据：在 28 × 28 像素下，很多认错的衬衫连人都难以判断，所以多训练几个轮次或者加大多层感知机帮助不大。卷积网络能看到领口、纽扣这样的局部图案，帮助最大（第 7 节）；接下来值得尝试的是把训练图片随机平移几个像素（数据增强）。不论尝试什么，都在验证集上比较。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. Why must the test images be normalised with the **training** mean and standard deviation?
#    What could go wrong in a real application if you used statistics of the data you predict on?
# 2. The training accuracy in the curves is averaged over each epoch while the model changes. Is it
#    an over- or an underestimate of the accuracy on the training set at the end of the epoch?
# 3. Shirts are the hardest class for both models. What would you try first to do better: a bigger
#    model, more epochs, or something about the data?
#
# **Next:** you can now take a data set from raw images to a trained, evaluated classifier. Lesson 10
# looks closer at the validation set: why a model can get worse on new images while it gets better on
# its training images (overfitting), what to do about it, and how to save a checkpoint from which an
# interrupted training run resumes exactly.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 为什么测试图片必须用**训练集**的均值和标准差来归一化？在实际应用中，如果用待预测数据自己的统计量，
#    可能会出什么问题？
# 2. 训练曲线中的训练准确率，是在模型不断变化的过程中对整个轮次取的平均。相对于轮次结束时模型在训练集上的真实准确率，
#    它是偏高还是偏低？
# 3. 对两个模型来说，衬衫都是最难的类别。想做得更好，你会先试什么：更大的模型、更多的轮次，还是在数据上下功夫？
#
# **下一课：** 现在你已经能把一个数据集从原始图片一路做成训练好、评估过的分类器了。第 10 课进一步研究验证集：
# 为什么模型在训练图片上越来越好，在新图片上却可能越来越差（过拟合），该怎么办，以及怎样保存检查点，
# 让被中断的训练原样继续。

# %% [markdown] lang="en"
# ## Written answer (graded by your instructor, 2 points)
#
# Within the same CPU budget, which one change would you try first to raise your model's test
# accuracy? In three or four sentences, name the change and justify it with something you saw in this
# lesson: the training curve, the classes the model confuses, or the cost of a training step.

# %% [markdown] lang="zh"
# ## 简答题（由老师人工评分，2 分）
#
# 在同样的 CPU 时间预算内，为了提高模型的测试准确率，你会先尝试哪一个改动？请写三四句话：说出这个改动，
# 并用本课中看到的现象来说明理由，例如训练曲线、模型容易混淆的类别，或者每一步训练的计算量。

# %% [markdown] lang="en" answer="written_next_step" points=2
# **Rubric (2 points).** 1 point: one concrete change that fits the budget (a small convolution in
# place of a wide MLP layer, data augmentation, a learning-rate schedule, batch normalisation, fewer
# but cheaper epochs...). 1 point: a reason drawn from the lesson's evidence, e.g. shirts, T-shirts and
# pullovers are confused, so local shape features (convolutions) help; training accuracy far above test
# accuracy calls for regularisation or augmentation; a convolution costs fewer operations per step than
# a wide dense layer. 0 points for "a bigger model" or "more epochs" without regard to the budget.

# %% [markdown] lang="zh" answer="written_next_step" points=2
# **评分标准（2 分）** 1 分：给出一个符合时间预算的具体改动（用小型卷积层代替很宽的全连接层、数据增强、
# 学习率调度、批量归一化、更少但更便宜的轮次……）。1 分：理由来自本课的现象，例如衬衫、T恤/上衣和套头衫容易混淆，
# 说明需要局部形状特征（卷积）；训练准确率远高于测试准确率，说明需要正则化或数据增强；卷积层每一步的计算量
# 比很宽的全连接层少。只说“更大的模型”或“更多轮次”而不考虑时间预算的，得 0 分。
